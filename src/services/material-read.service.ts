import type { DataSource } from "typeorm";
import { Composition, FormulaError } from "../engine/chem/composition";
import type { PropertyKey } from "../domain/property-key";
import type { Source } from "../domain/source";
import { InvalidInputError } from "../errors";
import { readRows } from "../store/sql";
import {
  ENTRY_COLUMNS,
  MATERIAL_COLUMNS,
  PROPERTY_COLUMNS,
  type EntryRecord,
  type MaterialRecord,
  type PropertyRecord,
} from "./records";

/** Each statement here has one of a few fixed texts: prepared once per connection. */
const PREPARED = { prepared: true } as const;

/**
 * Batched reads behind the per-request DataLoaders: each takes many ids and
 * answers with one statement, in the order of the ids.
 */
export class MaterialReadService {
  constructor(private readonly dataSource: DataSource) {}

  async materialsByIds(ids: readonly number[]): Promise<Array<MaterialRecord | null>> {
    const rows: MaterialRecord[] = await readRows(
      this.dataSource,
      `SELECT ${MATERIAL_COLUMNS} FROM materials m WHERE m.id = ANY($1::int[])`,
      [ids],
      PREPARED,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async materialByFormula(formula: string): Promise<MaterialRecord | null> {
    let reduced: string;
    try {
      reduced = Composition.parse(formula).reducedFormula;
    } catch (error) {
      if (error instanceof FormulaError) throw new InvalidInputError(error.message, { cause: error });
      throw error;
    }
    const [row] = await readRows(
      this.dataSource,
      `SELECT ${MATERIAL_COLUMNS} FROM materials m WHERE m.formula = $1`,
      [reduced],
      PREPARED,
    );
    return (row as MaterialRecord | undefined) ?? null;
  }

  async entriesByIds(ids: readonly number[]): Promise<Array<EntryRecord | null>> {
    const rows: EntryRecord[] = await readRows(
      this.dataSource,
      `SELECT ${ENTRY_COLUMNS} FROM entries e WHERE e.id = ANY($1::int[])`,
      [ids],
      PREPARED,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async entryBySourceId(source: Source, sourceId: string): Promise<EntryRecord | null> {
    const [row] = await readRows(
      this.dataSource,
      `SELECT ${ENTRY_COLUMNS} FROM entries e WHERE e.source = $1 AND e.source_id = $2`,
      [source, sourceId],
      PREPARED,
    );
    return (row as EntryRecord | undefined) ?? null;
  }

  async entriesByMaterials(
    materialIds: readonly number[],
    sources: readonly Source[] | null,
  ): Promise<EntryRecord[][]> {
    const params: unknown[] = [materialIds];
    let sql = `SELECT ${ENTRY_COLUMNS} FROM entries e WHERE e.material_id = ANY($1::int[])`;
    if (sources) {
      params.push(sources);
      sql += ` AND e.source = ANY($2::text[])`;
    }
    const rows: EntryRecord[] = await readRows(
      this.dataSource,
      `${sql} ORDER BY e.source, e.source_id`,
      params,
      PREPARED,
    );
    return groupBy(materialIds, rows, (r) => r.materialId);
  }

  async propertiesByMaterials(
    materialIds: readonly number[],
    keys: readonly PropertyKey[] | null,
    sources: readonly Source[] | null,
  ): Promise<PropertyRecord[][]> {
    const params: unknown[] = [materialIds];
    // By the material's entries: properties are indexed by entry (and by key and value), not by material.
    let sql = `SELECT ${PROPERTY_COLUMNS} FROM entries e JOIN properties p ON p.entry_id = e.id
               WHERE e.material_id = ANY($1::int[])`;
    if (keys) {
      params.push(keys);
      sql += ` AND p.key = ANY($${params.length}::text[])`;
    }
    if (sources) {
      params.push(sources);
      sql += ` AND e.source = ANY($${params.length}::text[])`;
    }
    const rows: PropertyRecord[] = await readRows(
      this.dataSource,
      `${sql} ORDER BY p.key, p.source, e.source_id`,
      params,
      PREPARED,
    );
    return groupBy(materialIds, rows, (r) => r.materialId);
  }

  async propertiesByEntries(
    entryIds: readonly number[],
    keys: readonly PropertyKey[] | null,
  ): Promise<PropertyRecord[][]> {
    const params: unknown[] = [entryIds];
    let sql = `SELECT ${PROPERTY_COLUMNS} FROM properties p JOIN entries e ON e.id = p.entry_id
               WHERE p.entry_id = ANY($1::int[])`;
    if (keys) {
      params.push(keys);
      sql += ` AND p.key = ANY($2::text[])`;
    }
    const rows: PropertyRecord[] = await readRows(this.dataSource, `${sql} ORDER BY p.key, p.method`, params, PREPARED);
    return groupBy(entryIds, rows, (r) => r.entryId);
  }

  async rawPayloads(entryIds: readonly number[]): Promise<unknown[]> {
    const rows: Array<{ id: number; raw: unknown }> = await readRows(
      this.dataSource,
      `SELECT id, raw FROM entries WHERE id = ANY($1::int[])`,
      [entryIds],
      PREPARED,
    );
    const byId = new Map(rows.map((r) => [r.id, r.raw]));
    return entryIds.map((id) => byId.get(id) ?? null);
  }
}

function groupBy<T>(ids: readonly number[], rows: readonly T[], keyOf: (row: T) => number): T[][] {
  const groups = new Map<number, T[]>(ids.map((id) => [id, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return ids.map((id) => groups.get(id) ?? []);
}
