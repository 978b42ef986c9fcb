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
  readonly master?: { query(sql: string, params: unknown[]): Promise<{ rows: unknown[] }> };
}

/**
 * Rows of a read-only statement straight from the driver's connection pool. The
 * API's hot reads (pages, loaders) skip TypeORM's per-query runner, which costs
 * more than the statement itself on small result sets; statements still reach
 * TypeORM's logger when logging is on, so counting them keeps working.
 */
export async function readRows<T>(dataSource: DataSource, sql: string, params: unknown[] = []): Promise<T[]> {
  const pool = (dataSource.driver as unknown as PooledDriver).master;
  if (!pool) return queryRows<T>(dataSource, sql, params);
  if (dataSource.options.logging) dataSource.logger.logQuery(sql, params);
  return (await pool.query(sql, params)).rows as T[];
}
