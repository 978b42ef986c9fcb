import type { DataSource } from "typeorm";
import type { Config } from "../config";
import { MaterialReadService } from "../services/material-read.service";
import { Loaders } from "./loaders";

export interface GraphQLContext {
  readonly dataSource: DataSource;
  readonly config: Config;
  readonly reads: MaterialReadService;
  readonly loaders: Loaders;
  /** True when the request carried one of the operator's bearer tokens. */
  readonly isAdmin: boolean;
}

export function createContext(dataSource: DataSource, config: Config, authorization: string | undefined): GraphQLContext {
  const reads = new MaterialReadService(dataSource);
  const token = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  return {
    dataSource,
    config,
    reads,
    loaders: new Loaders(reads),
    isAdmin: token !== undefined && config.adminTokens.includes(token),
  };
}
