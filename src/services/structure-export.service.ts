import type { DataSource } from "typeorm";
import type { StructureFormatName } from "../engine/structure/formats";
import { materialFilterSql, SqlParams, type MaterialFilter } from "./material-filter";
import type { EntryRecord } from "./records";
import { structureFile } from "./structure-file.service";

/**
 * The structures of every entry whose material matches a filter, read in
 * keyset batches by entry id (constant memory, each entry once) and written in
 * one file format. Withdrawn entries and entries without a structure are left out.
 */
type StructureRow = Pick<EntryRecord, "id" | "source" | "sourceId" | "lattice" | "fracCoords" | "species">;

export interface StructureFileItem {
  /** `<SOURCE>_<source id>` made safe for a file name. */
  readonly name: string;
  readonly text: string;
}

const BATCH = 500;

export async function* structureFileBatches(
  dataSource: DataSource,
  filter: MaterialFilter,
  format: StructureFormatName,
): AsyncGenerator<StructureFileItem[], void, undefined> {
  const params = new SqlParams();
  const where = materialFilterSql(filter, params);
  if (filter.sources) where.push(`e.source = ANY(${params.add(filter.sources)}::text[])`);
  where.push("e.lattice IS NOT NULL", "e.withdrawn_at IS NULL");
  const base = params.values.length;
  const sql = `SELECT e.id, e.source, e.source_id AS "sourceId", e.lattice, e.frac_coords AS "fracCoords", e.species
    FROM entries e JOIN materials m ON m.id = e.material_id
    WHERE ${where.join(" AND ")} AND e.id > $${base + 1} ORDER BY e.id LIMIT $${base + 2}`;
  let after = 0;
  for (;;) {
    const rows: StructureRow[] = await dataSource.query(sql, [...params.values, after, BATCH]);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
    const items: StructureFileItem[] = [];
    for (const row of rows) {
      const text = structureFile(row, format);
      if (text) items.push({ name: `${row.source}_${row.sourceId}`.replace(/[^\w.-]+/g, "_"), text });
    }
    yield items;
  }
}

/**
 * One ustar member: POSCAR holds a single structure, so many of them travel as
 * a tar archive of files rather than one concatenated text.
 */
export function tarMember(name: string, text: string, mtimeSeconds: number): Buffer {
  const body = Buffer.from(text, "utf8");
  const header = Buffer.alloc(512, 0);
  const field = (value: string, offset: number, length: number) => header.write(value, offset, length, "ascii");
  const octal = (n: number, length: number) => n.toString(8).padStart(length - 1, "0") + "\0";
  field(name.slice(0, 99), 0, 100);
  field(octal(0o644, 8), 100, 8);
  field(octal(0, 8), 108, 8);
  field(octal(0, 8), 116, 8);
  field(octal(body.length, 12), 124, 12);
  field(octal(Math.floor(mtimeSeconds), 12), 136, 12);
  field("        ", 148, 8); // checksum counts as spaces while it is computed
  field("0", 156, 1);
  field("ustar\u000000", 257, 8);
  let sum = 0;
  for (const byte of header) sum += byte;
  field(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8);
  const padding = Buffer.alloc((512 - (body.length % 512)) % 512, 0);
  return Buffer.concat([header, body, padding]);
}

/** Two zero blocks close a tar archive. */
export const TAR_END = Buffer.alloc(1024, 0);
