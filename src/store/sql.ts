import { createHash } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";

/**
 * Rows of any statement. TypeORM's postgres driver answers UPDATE and DELETE with
 * `[rows, affectedCount]` but SELECT and INSERT with the rows alone; this hides
 * the difference so that `UPDATE … RETURNING` reads like a SELECT.
 */
export async function queryRows<T>(db: DataSource | EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const result: unknown = await db.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === "number") {
    return result[0] as T[];
  }
  return result as T[];
}

interface PooledDriver {
  readonly master?: {
    query(
      query: string | { name: string; text: string; values: unknown[] },
      params?: unknown[],
    ): Promise<{ rows: unknown[] }>;
  };
}

export interface ReadOptions {
  /**
   * Run as a named prepared statement: each pooled connection parses and plans
   * it once and then only binds. For fixed statement texts only (the loaders'
   * few shapes) — every distinct text stays prepared on every connection.
   */
  readonly prepared?: boolean;
}

const statementNames = new Map<string, string>();
const preparedAllowed = new WeakMap<DataSource, Promise<boolean>>();

/**
 * The embedded store multiplexes every pooled connection onto one PGlite session,
 * where a name prepared by one client already exists for the next: there the
 * statements run unnamed.
 */
function canPrepare(dataSource: DataSource, pool: NonNullable<PooledDriver["master"]>): Promise<boolean> {
  let allowed = preparedAllowed.get(dataSource);
  if (allowed === undefined) {
    allowed = pool
      .query(`SELECT version() NOT LIKE '%PGlite%' AS allowed`)
      .then((result) => (result.rows[0] as { allowed: boolean } | undefined)?.allowed === true)
      .catch((error: unknown) => {
        preparedAllowed.delete(dataSource); // a failed check is asked again next time
        throw error;
      });
    preparedAllowed.set(dataSource, allowed);
  }
  return allowed;
}

function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `mg_${createHash("sha1").update(sql).digest("hex").slice(0, 20)}`;
    statementNames.set(sql, name);
  }
  return name;
}

/**
 * Rows of a read-only statement straight from the driver's connection pool. The
 * API's hot reads (pages, loaders) skip TypeORM's per-query runner, which costs
 * more than the statement itself on small result sets; statements still reach
 * TypeORM's logger when logging is on, so counting them keeps working.
 */
export async function readRows<T>(
  dataSource: DataSource,
  sql: string,
  params: unknown[] = [],
  options: ReadOptions = {},
): Promise<T[]> {
  const pool = (dataSource.driver as unknown as PooledDriver).master;
  if (!pool) return queryRows<T>(dataSource, sql, params);
  if (dataSource.options.logging) dataSource.logger.logQuery(sql, params);
  const result =
    options.prepared && (await canPrepare(dataSource, pool))
      ? await pool.query({ name: statementName(sql), text: sql, values: params })
      : await pool.query(sql, params);
  return result.rows as T[];
}
