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
  readonly corsOrigins: readonly string[] | "*";
  readonly maxPageSize: number;
  readonly maxQueryDepth: number;
  readonly maxQueryCost: number;
}

export class ConfigError extends Error {
  readonly code = "CONFIG";
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
  return Object.freeze({
    databaseUrl,
    dataDir: path.resolve(env["MATGRAPH_DATA_DIR"] || path.join(".matgraph", "pgdata")),
    port: readInt(env, "PORT", 4000, 0, 65535),
    host: env["HOST"]?.trim() || "0.0.0.0",
    isProduction: env["NODE_ENV"] === "production",
    adminTokens: (env["MATGRAPH_TOKENS"] ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean),
    corsOrigins: !cors || cors === "*" ? "*" : cors.split(",").map((o) => o.trim()),
    maxPageSize: readInt(env, "MATGRAPH_MAX_PAGE_SIZE", 500, 1, 10_000),
    maxQueryDepth: readInt(env, "MATGRAPH_MAX_QUERY_DEPTH", 12, 2, 100),
    maxQueryCost: readInt(env, "MATGRAPH_MAX_QUERY_COST", 250_000, 100, 100_000_000),
  });
}

let cached: Config | undefined;

export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
