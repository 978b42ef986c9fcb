import type { DataSource } from "typeorm";
import type { PropertyKey } from "../domain/property-key";
import type { Source } from "../domain/source";

/**
 * What ingestion changed, so a user can see why a number moved: values a re-ingest
 * replaced or removed (property_history, with the run that did it), entries that
 * appeared, entries a source stopped listing (withdrawn). Values in canonical units.
 */
export type ChangeKind = "ADDED" | "VALUE_CHANGED" | "VALUE_REMOVED" | "WITHDRAWN";

export interface ValueChangeRecord {
  readonly entryId: number;
  readonly key: PropertyKey;
  readonly method: string;
  readonly temperatureK: number | null;
  readonly previousValue: number | null;
  readonly previousValues: number[] | null;
  readonly newValue: number | null;
  readonly newValues: number[] | null;
  readonly unit: string;
  readonly previousSourceValue: number | null;
  readonly previousSourceUnit: string | null;
  readonly runId: number | null;
  readonly at: Date;
}

export interface ChangeRecord {
  readonly kind: ChangeKind;
  readonly source: Source;
  readonly sourceId: string;
  readonly entryId: number;
  readonly key: PropertyKey | null;
  readonly method: string | null;
  readonly previousValue: number | null;
  readonly newValue: number | null;
  readonly unit: string | null;
  readonly runId: number | null;
  readonly at: Date;
}

const HISTORY_COLUMNS = `h.entry_id AS "entryId", h.key, h.method, h.temperature_k AS "temperatureK",
  h.value AS "previousValue", h.value_array AS "previousValues", h.new_value AS "newValue",
  h.new_value_array AS "newValues", h.unit, h.source_value AS "previousSourceValue",
  h.source_unit AS "previousSourceUnit", h.replaced_by_run_id AS "runId", h.replaced_at AS "at"`;

/** Earlier values of each entry's properties, newest first. */
export async function historyOfEntries(
  dataSource: DataSource,
  entryIds: readonly number[],
  keys: readonly PropertyKey[] | null,
): Promise<ValueChangeRecord[][]> {
  const params: unknown[] = [entryIds];
  let sql = `SELECT ${HISTORY_COLUMNS} FROM property_history h WHERE h.entry_id = ANY($1::int[])`;
  if (keys) {
    params.push(keys);
    sql += ` AND h.key = ANY($2::text[])`;
  }
  const rows: ValueChangeRecord[] = await dataSource.query(`${sql} ORDER BY h.replaced_at DESC, h.id DESC`, params);
  return entryIds.map((id) => rows.filter((r) => r.entryId === id));
}

/** Everything that changed for one source since a moment, oldest first, at most `first`. */
export async function listChanges(
  dataSource: DataSource,
  query: { source: Source; since: Date; first: number },
): Promise<ChangeRecord[]> {
  return dataSource
    .query(
      `SELECT * FROM (
       SELECT CASE WHEN h.new_value IS NULL AND h.new_value_array IS NULL THEN 'VALUE_REMOVED' ELSE 'VALUE_CHANGED' END AS kind,
              e.source, e.source_id AS "sourceId", e.id AS "entryId", h.key, h.method, h.value AS "previousValue",
              h.new_value AS "newValue", h.unit, h.replaced_by_run_id AS "runId", h.replaced_at AS at, h.id AS tiebreak
       FROM property_history h JOIN entries e ON e.id = h.entry_id
       WHERE h.source = $1 AND h.replaced_at >= $2
       UNION ALL
       SELECT 'ADDED', e.source, e.source_id, e.id, NULL, NULL, NULL, NULL, NULL, NULL, e.created_at, e.id
       FROM entries e WHERE e.source = $1 AND e.created_at >= $2
       UNION ALL
       SELECT 'WITHDRAWN', e.source, e.source_id, e.id, NULL, NULL, NULL, NULL, NULL, e.withdrawn_run_id, e.withdrawn_at, e.id
       FROM entries e WHERE e.source = $1 AND e.withdrawn_at >= $2
     ) c
     ORDER BY c.at, c.kind, c.tiebreak
     LIMIT $3`,
      [query.source, query.since.toISOString(), query.first],
    )
    .then((rows: Array<ChangeRecord & { tiebreak?: unknown }>) =>
      rows.map(({ tiebreak: _tiebreak, ...change }) => change),
    );
}
