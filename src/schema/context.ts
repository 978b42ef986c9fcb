import type { DataSource } from "typeorm";
import { createHash } from "node:crypto";
import type { Config } from "../config";
import { InvalidInputError, UnauthenticatedError } from "../errors";
import type { JobQueue } from "../jobs/job-queue";
import type { JobWatcher } from "../jobs/job-watcher";
import { MaterialReadService } from "../services/material-read.service";
import { Loaders } from "./loaders";

export interface GraphQLContext {
  readonly dataSource: DataSource;
  readonly config: Config;
  readonly reads: MaterialReadService;
  readonly loaders: Loaders;
  /** True when the request carried one of the operator's bearer tokens. */
  readonly isAdmin: boolean;
  /** Who asked, for per-client job limits: a hash of the token, never the token. */
  readonly client: string;
  /** Absent on a server started without the job system. */
  readonly jobs?: JobQueue | undefined;
  readonly watcher?: JobWatcher | undefined;
}

/** Services that live as long as the server, shared by every request. */
export interface Platform {
  readonly jobs?: JobQueue;
  readonly watcher?: JobWatcher;
}

function bearerToken(authorization: string | undefined): string | undefined {
  return authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
}

export function createContext(
  dataSource: DataSource,
  config: Config,
  authorization: string | undefined,
  platform: Platform = {},
): GraphQLContext {
  const reads = new MaterialReadService(dataSource);
  const token = bearerToken(authorization);
  const isAdmin = token !== undefined && config.adminTokens.includes(token);
  return {
    dataSource,
    config,
    reads,
    loaders: new Loaders(reads),
    isAdmin,
    client: isAdmin ? `token:${createHash("sha256").update(token).digest("hex").slice(0, 16)}` : "anonymous",
    jobs: platform.jobs,
    watcher: platform.watcher,
  };
}

/** Mutations that change data or start work need one of the operator's tokens; returns the client id. */
export function requireAdmin(ctx: GraphQLContext): string {
  if (!ctx.isAdmin) {
    throw new UnauthenticatedError("this mutation needs an operator token: send `Authorization: Bearer <token>`");
  }
  return ctx.client;
}

export const PRIVATE_READS_MESSAGE = "this server's data is private: send `Authorization: Bearer <token>`";

/** Reads are public unless the operator set MATGRAPH_PRIVATE_READS; then every operation needs a token. */
export function canRead(ctx: Pick<GraphQLContext, "config" | "isAdmin">): boolean {
  return !ctx.config.readsNeedToken || ctx.isAdmin;
}

/** The same rule for the REST routes (/optimade, /export): a token from the Authorization header. */
export function hasReaderAccess(config: Config, authorization: string | undefined): boolean {
  if (!config.readsNeedToken) return true;
  const token = bearerToken(authorization);
  return token !== undefined && config.adminTokens.includes(token);
}

export function requireJobs(ctx: GraphQLContext): JobQueue {
  if (!ctx.jobs || !ctx.watcher) throw new InvalidInputError("this server runs without the job system");
  return ctx.jobs;
}
