import type { DataSource, EntityManager } from "typeorm";
import type { PropertyKey } from "../domain/property-key";
import { Source } from "../domain/source";

/**
 * Labelled rows for training and transfer experiments, read from the store: one row per
 * source and material (the mean when a source has several entries of one composition,
 * e.g. polymorphs), in the key's canonical unit, from live (not withdrawn) entries.
 */
export interface SourceRow {
  readonly source: Source;
  readonly formula: string;
  readonly target: number;
}

/** Sources used when a request names none: every database, not MatGraph's own simulations or predictions. */
export const DEFAULT_TRAINING_SOURCES: readonly Source[] = [
  Source.AFLOW,
  Source.OQMD,
  Source.JARVIS,
  Source.MP,
  Source.OPTIMADE,
  Source.USER,
];

export async function loadSourceRows(
  db: DataSource | EntityManager,
  key: PropertyKey,
  sources: readonly Source[],
): Promise<SourceRow[]> {
  const rows: Array<{ source: Source; formula: string; target: number }> = await db.query(
    `SELECT p.source, m.formula, avg(p.value) AS target
     FROM properties p JOIN entries e ON e.id = p.entry_id JOIN materials m ON m.id = p.material_id
     WHERE p.key = $1 AND p.source = ANY($2::text[]) AND p.value IS NOT NULL AND e.withdrawn_at IS NULL
     GROUP BY p.source, m.formula
     ORDER BY p.source, m.formula`,
    [key, sources],
  );
  return rows.map((r) => ({ source: r.source, formula: r.formula, target: Number(r.target) }));
}

/** One row per composition over the given sources (the mean of their values), for training one model. */
export function mergeByComposition(rows: readonly SourceRow[]): Array<{ formula: string; target: number }> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const r of rows) {
    const s = sums.get(r.formula) ?? { sum: 0, n: 0 };
    s.sum += r.target;
    s.n += 1;
    sums.set(r.formula, s);
  }
  return [...sums]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([formula, s]) => ({ formula, target: s.sum / s.n }));
}

/**
 * A cheap fingerprint of the data a training request would read (row count, value sum,
 * newest change), so that a request after new data arrived is a new job, not the old one.
 */
export async function sourceDataFingerprint(
  db: DataSource | EntityManager,
  key: PropertyKey,
  sources: readonly Source[],
): Promise<{ values: number; fingerprint: string }> {
  const [row] = await db.query(
    `SELECT count(*)::int AS n, coalesce(sum(p.value), 0)::float8 AS total, coalesce(max(p.updated_at), 'epoch')::text AS newest
     FROM properties p JOIN entries e ON e.id = p.entry_id
     WHERE p.key = $1 AND p.source = ANY($2::text[]) AND p.value IS NOT NULL AND e.withdrawn_at IS NULL`,
    [key, sources],
  );
  return { values: row.n as number, fingerprint: `${row.n}:${row.total}:${row.newest}` };
}
