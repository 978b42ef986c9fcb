import path from "node:path";

/**
 * The one place that reads the environment. Validated once, frozen; everything
 * else receives its settings from here (the engine receives them as arguments).
 */
export interface Config {
  /** postgres://… of a real PostgreSQL; undefined means the embedded PGlite store. */
  readonly databaseUrl: string | undefined;
  /** Where the embedded store keeps its files. */
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly isProduction: boolean;
  /** Bearer tokens allowed to run mutations that change data or start work. */
  readonly adminTokens: readonly string[];
  /** When true, reads (GraphQL queries and subscriptions, /optimade, /export) need a token too. */
  readonly readsNeedToken: boolean;
  readonly corsOrigins: readonly string[] | "*";
  readonly maxPageSize: number;
  readonly maxQueryDepth: number;
  readonly maxQueryCost: number;
  /** Folder of interatomic potential files that simulation requests may name. */
  readonly potentialsDir: string;
  readonly jobs: JobSettings;
  /** Materials Project API key (MP_API_KEY), sent as X-API-KEY; never logged. */
  readonly mpApiKey: string | undefined;
}

export interface JobSettings {
  /** Wall-time limit of one job attempt, s. */
  readonly wallSeconds: number;
  readonly maxAttempts: number;
  /** After this long without finishing, an attempt counts as abandoned (its worker died) and is retried, s. */
  readonly expireSeconds: number;
  /** How often pg-boss looks for expired (abandoned) jobs, s. */
  readonly maintenanceSeconds: number;
  readonly pollSeconds: number;
  /** Queued or running jobs one client may have at once. */
  readonly maxPerClient: number;
  /** Jobs one worker process runs at once. */
  readonly workerConcurrency: number;
  readonly maxAtoms: number;
  readonly maxSteps: number;
  readonly maxDofs: number;
}

export class ConfigError extends Error {
  readonly code = "CONFIG";
}

function readBoolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function readInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env["DATABASE_URL"]?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must start with postgres:// or postgresql://, got "${databaseUrl}"`);
  }
  const cors = env["MATGRAPH_CORS_ORIGINS"]?.trim();
  const adminTokens = (env["MATGRAPH_TOKENS"] ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  const readsNeedToken = readBoolean(env, "MATGRAPH_PRIVATE_READS", false);
  if (readsNeedToken && adminTokens.length === 0) {
    throw new ConfigError(
      "MATGRAPH_PRIVATE_READS=true needs at least one token in MATGRAPH_TOKENS, or nobody could read",
    );
  }
  return Object.freeze({
    databaseUrl,
    dataDir: path.resolve(env["MATGRAPH_DATA_DIR"] || path.join(".matgraph", "pgdata")),
    port: readInt(env, "PORT", 4000, 0, 65535),
    host: env["HOST"]?.trim() || "0.0.0.0",
    isProduction: env["NODE_ENV"] === "production",
    adminTokens,
    readsNeedToken,
    corsOrigins: !cors || cors === "*" ? "*" : cors.split(",").map((o) => o.trim()),
    maxPageSize: readInt(env, "MATGRAPH_MAX_PAGE_SIZE", 500, 1, 10_000),
    maxQueryDepth: readInt(env, "MATGRAPH_MAX_QUERY_DEPTH", 12, 2, 100),
    maxQueryCost: readInt(env, "MATGRAPH_MAX_QUERY_COST", 250_000, 100, 100_000_000),
    potentialsDir: path.resolve(env["MATGRAPH_POTENTIALS_DIR"] || "potentials"),
    jobs: Object.freeze({
      wallSeconds: readInt(env, "MATGRAPH_JOB_WALL_SECONDS", 3600, 1, 7 * 24 * 3600),
      maxAttempts: readInt(env, "MATGRAPH_JOB_MAX_ATTEMPTS", 3, 1, 20),
      expireSeconds: readInt(
        env,
        "MATGRAPH_JOB_EXPIRE_SECONDS",
        readInt(env, "MATGRAPH_JOB_WALL_SECONDS", 3600, 1, 7 * 24 * 3600) + 60,
        1,
        8 * 24 * 3600,
      ),
      maintenanceSeconds: readInt(env, "MATGRAPH_JOB_MAINTENANCE_SECONDS", 30, 1, 3600),
      pollSeconds: readInt(env, "MATGRAPH_JOB_POLL_MS", 500, 500, 60_000) / 1000,
      maxPerClient: readInt(env, "MATGRAPH_MAX_JOBS_PER_CLIENT", 4, 1, 1000),
      workerConcurrency: readInt(env, "MATGRAPH_WORKER_CONCURRENCY", 1, 1, 64),
      maxAtoms: readInt(env, "MATGRAPH_MAX_ATOMS", 20_000, 1, 10_000_000),
      maxSteps: readInt(env, "MATGRAPH_MAX_STEPS", 200_000, 1, 100_000_000),
      maxDofs: readInt(env, "MATGRAPH_MAX_DOFS", 1_500_000, 1, 100_000_000),
    }),
    mpApiKey: env["MP_API_KEY"]?.trim() || undefined,
  });
}

let cached: Config | undefined;

export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
