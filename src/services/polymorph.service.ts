import type { DataSource } from "typeorm";
import type { PropertyKey } from "../domain/property-key";
import type { Source } from "../domain/source";
import { ENTRY_COLUMNS, PROPERTY_COLUMNS, type EntryRecord, type PropertyRecord } from "./records";

/**
 * Reads of the polymorphs the entry writer assigns (see polymorph-assign.service.ts):
 * per material, its distinct structures; per polymorph, its entries of every source
 * and their values of the same keys side by side, with the spread between them.
 */
export interface PolymorphRecord {
  readonly id: number;
  readonly materialId: number;
  readonly spacegroupNumber: number | null;
  readonly spacegroupSymbol: string | null;
  readonly entryCount: number;
  readonly sources: Source[];
}

export interface PolymorphComparison {
  readonly key: PropertyKey;
  readonly unit: string;
  readonly values: PropertyRecord[];
  readonly count: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  /** max − min over the scalar values of every source, in `unit`. */
  readonly spread: number | null;
  readonly sources: Source[];
}

export async function polymorphsByMaterials(
  dataSource: DataSource,
  materialIds: readonly number[],
): Promise<PolymorphRecord[][]> {
  // The space group shown is the one most member entries report (sources disagree near tolerance edges);
  // a polymorph whose entries all moved elsewhere (their structures changed) is not listed.
  const rows: Array<PolymorphRecord & { materialId: number }> = await dataSource.query(
    `SELECT p.id, p.material_id AS "materialId",
            COALESCE(mode() WITHIN GROUP (ORDER BY e.spacegroup_number), p.spacegroup_number) AS "spacegroupNumber",
            COALESCE(mode() WITHIN GROUP (ORDER BY e.spacegroup_symbol), p.spacegroup_symbol) AS "spacegroupSymbol",
            count(e.id)::int AS "entryCount",
            COALESCE(array_agg(DISTINCT e.source) FILTER (WHERE e.source IS NOT NULL), '{}') AS sources
     FROM polymorphs p JOIN entries e ON e.polymorph_id = p.id
     WHERE p.material_id = ANY($1::int[])
     GROUP BY p.id
     ORDER BY p.material_id, p.id`,
    [materialIds],
  );
  return materialIds.map((id) => rows.filter((r) => r.materialId === id));
}

export async function entriesByPolymorphs(
  dataSource: DataSource,
  polymorphIds: readonly number[],
): Promise<EntryRecord[][]> {
  const rows: Array<EntryRecord & { polymorphId: number }> = await dataSource.query(
    `SELECT ${ENTRY_COLUMNS}, e.polymorph_id AS "polymorphId" FROM entries e
     WHERE e.polymorph_id = ANY($1::int[]) ORDER BY e.source, e.source_id`,
    [polymorphIds],
  );
  return polymorphIds.map((id) => rows.filter((r) => r.polymorphId === id));
}

export async function comparePolymorphProperties(
  dataSource: DataSource,
  polymorphIds: readonly number[],
  keys: readonly PropertyKey[] | null,
): Promise<PolymorphComparison[][]> {
  const params: unknown[] = [polymorphIds];
  let sql = `SELECT ${PROPERTY_COLUMNS}, e.polymorph_id AS "polymorphId"
             FROM properties p JOIN entries e ON e.id = p.entry_id
             WHERE e.polymorph_id = ANY($1::int[]) AND e.withdrawn_at IS NULL`;
  if (keys) {
    params.push(keys);
    sql += ` AND p.key = ANY($2::text[])`;
  }
  const rows: Array<PropertyRecord & { polymorphId: number }> = await dataSource.query(
    `${sql} ORDER BY p.key, p.source, e.source_id, p.method`,
    params,
  );
  return polymorphIds.map((id) => {
    const byKey = new Map<PropertyKey, PropertyRecord[]>();
    for (const r of rows) {
      if (r.polymorphId !== id) continue;
      const list = byKey.get(r.key) ?? [];
      list.push(r);
      byKey.set(r.key, list);
    }
    return [...byKey].map(([key, values]) => summarise(key, values));
  });
}

function summarise(key: PropertyKey, values: PropertyRecord[]): PolymorphComparison {
  const numbers = values.map((v) => v.value).filter((v): v is number => v !== null);
  const min = numbers.length ? Math.min(...numbers) : null;
  const max = numbers.length ? Math.max(...numbers) : null;
  return {
    key,
    unit: values[0]?.unit ?? "",
    values,
    count: values.length,
    min,
    max,
    mean: numbers.length ? numbers.reduce((s, x) => s + x, 0) / numbers.length : null,
    spread: min !== null && max !== null ? max - min : null,
    sources: [...new Set(values.map((v) => v.source))],
  };
}
