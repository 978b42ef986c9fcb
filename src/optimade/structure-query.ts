import type { DataSource } from "typeorm";
import { SqlParams } from "../services/material-filter";
import { translateOptimadeFilter } from "./filter-to-sql";
import { STRUCTURE_CONDITION, STRUCTURE_ROW_COLUMNS, type StructureRow } from "./structure-resource";

/**
 * Reads OPTIMADE structures from the store. The default (and only) order is
 * by id, i.e. by (source, source id), which the entries' unique index serves;
 * `above` continues after a given id (keyset paging, constant cost per page),
 * `offset` skips rows (costs grow with the offset).
 */
export interface StructureQuery {
  readonly filter?: string | undefined;
  readonly limit: number;
  readonly offset?: number | undefined;
  /** Continue after this structure id (`<source>:<source id>`). */
  readonly above?: string | undefined;
}

export interface StructurePage {
  readonly rows: StructureRow[];
  readonly moreDataAvailable: boolean;
  /** Structures matching the filter, whatever the page. */
  readonly dataReturned: number;
  readonly warnings: readonly string[];
}

export async function queryStructures(dataSource: DataSource, query: StructureQuery): Promise<StructurePage> {
  const params = new SqlParams();
  const where = [STRUCTURE_CONDITION];
  let warnings: readonly string[] = [];
  if (query.filter !== undefined) {
    const translated = translateOptimadeFilter(query.filter, params, { material: "m", entry: "e" });
    where.push(translated.sql);
    warnings = translated.warnings;
  }
  const from = `FROM entries e JOIN materials m ON m.id = e.material_id`;
  const countSql = `SELECT count(*)::int AS n ${from} WHERE ${where.join(" AND ")}`;
  const countParams = [...params.values];

  if (query.above !== undefined) {
    const colon = query.above.indexOf(":");
    const source = colon < 0 ? query.above : query.above.slice(0, colon);
    const sourceId = colon < 0 ? "" : query.above.slice(colon + 1);
    where.push(`(e.source, e.source_id) > (${params.add(source)}::text, ${params.add(sourceId)}::text)`);
  }
  let sql =
    `SELECT ${STRUCTURE_ROW_COLUMNS} ${from} WHERE ${where.join(" AND ")}` +
    ` ORDER BY e.source, e.source_id LIMIT ${params.add(query.limit + 1)}`;
  if (query.offset) sql += ` OFFSET ${params.add(query.offset)}`;

  const [rows, counted] = await Promise.all([
    dataSource.query(sql, params.values) as Promise<StructureRow[]>,
    dataSource.query(countSql, countParams) as Promise<Array<{ n: number }>>,
  ]);
  return {
    rows: rows.slice(0, query.limit),
    moreDataAvailable: rows.length > query.limit,
    dataReturned: counted[0]?.n ?? 0,
    warnings,
  };
}

export async function structureById(dataSource: DataSource, id: string): Promise<StructureRow | null> {
  const colon = id.indexOf(":");
  if (colon < 0) return null;
  const rows: StructureRow[] = await dataSource.query(
    `SELECT ${STRUCTURE_ROW_COLUMNS} FROM entries e JOIN materials m ON m.id = e.material_id
     WHERE ${STRUCTURE_CONDITION} AND e.source = $1 AND e.source_id = $2`,
    [id.slice(0, colon), id.slice(colon + 1)],
  );
  return rows[0] ?? null;
}
