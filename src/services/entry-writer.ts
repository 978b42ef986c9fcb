import type { EntityManager } from "typeorm";
import { Composition } from "../engine/chem/composition";
import type { CanonicalEntry, WriteSummary } from "./canonical-entry";
import { assignPolymorphs } from "./polymorph-assign.service";

export interface WriteOptions {
  /** The ingest run writing this batch: replaced values are kept in property_history with it. */
  readonly runId?: number;
  /**
   * The batch holds each entry's complete property set: properties an existing entry
   * no longer has are removed (and kept in property_history). Ingest runs set it;
   * callers that add properties piecemeal leave it off.
   */
  readonly replaceProperties?: boolean;
}

/**
 * Upserts a batch of canonical entries in a fixed number of statements (whatever
 * the batch size): materials, then polymorphs of the entries that carry a
 * structure, then entries, then properties, each one
 * `INSERT … SELECT FROM jsonb_to_recordset … ON CONFLICT`. Rows whose content did
 * not change are not touched, so a re-import writes nothing. A value that did
 * change is kept in property_history first, with the run that replaced it.
 * Run it inside a transaction: a batch lands whole or not at all.
 */
export async function writeEntries(
  manager: EntityManager,
  records: readonly CanonicalEntry[],
  options: WriteOptions = {},
): Promise<WriteSummary> {
  const batch = lastOfEachId(records);
  if (batch.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };

  const materials = new Map<string, { formula: string; chemsys: string; nelements: number; anonymous: string }>();
  const formulaOf: string[] = batch.map((entry) => {
    const composition = Composition.parse(entry.formula);
    const formula = composition.reducedFormula;
    if (!materials.has(formula)) {
      materials.set(formula, {
        formula,
        chemsys: composition.chemicalSystem,
        nelements: composition.nelements,
        anonymous: composition.anonymousFormula,
      });
    }
    return formula;
  });

  await manager.query(
    `INSERT INTO materials (formula, elements, nelements, chemsys, formula_anonymous)
     SELECT t.formula, string_to_array(t.chemsys, '-'), t.nelements, t.chemsys, t.anonymous
     FROM jsonb_to_recordset($1::jsonb) AS t(formula text, chemsys text, nelements int, anonymous text)
     ORDER BY t.formula
     ON CONFLICT (formula) DO NOTHING`,
    [JSON.stringify([...materials.values()])],
  );
  const materialRows: Array<{ id: number; formula: string }> = await manager.query(
    `SELECT id, formula FROM materials WHERE formula = ANY($1::text[])`,
    [[...materials.keys()]],
  );
  const materialId = new Map(materialRows.map((r) => [r.formula, r.id]));

  const placed = await assignPolymorphs(
    manager,
    batch.map((e, i) => ({
      materialId: materialId.get(formulaOf[i] as string) as number,
      structure: e.structure,
      spacegroupNumber: e.spacegroupNumber,
      spacegroupSymbol: e.spacegroupSymbol,
    })),
  );

  const entryRows = batch.map((e, i) => ({
    source: e.source,
    source_id: e.sourceId,
    material_id: materialId.get(formulaOf[i] as string),
    method: e.method ?? null,
    functional: e.functional ?? null,
    spacegroup_number: e.spacegroupNumber ?? null,
    spacegroup_symbol: e.spacegroupSymbol ?? null,
    lattice: e.structure ? e.structure.lattice.flat() : null,
    frac_coords: e.structure ? e.structure.fracCoords.flat() : null,
    species: e.structure ? e.structure.species : null,
    nsites: e.structure ? e.structure.species.length : null,
    volume: e.volumeAngstrom3 ?? null,
    density: e.densityGPerCm3 ?? null,
    raw: e.raw ?? null,
    source_url: e.sourceUrl ?? null,
    release: e.release ?? null,
    fetched_at: (e.fetchedAt ?? new Date()).toISOString(),
    polymorph_id: placed[i]?.polymorphId ?? null,
    structure_fingerprint: placed[i]?.fingerprint ?? null,
  }));

  const changedEntries: Array<{ id: number; inserted: boolean }> = await manager.query(
    `INSERT INTO entries (source, source_id, material_id, method, functional, spacegroup_number, spacegroup_symbol,
                          lattice, frac_coords, species, nsites, volume, density, raw, source_url, release, fetched_at,
                          polymorph_id, structure_fingerprint)
     SELECT t.source, t.source_id, t.material_id, t.method, t.functional, t.spacegroup_number, t.spacegroup_symbol,
            t.lattice, t.frac_coords, t.species, t.nsites, t.volume, t.density, t.raw, t.source_url, t.release, t.fetched_at,
            t.polymorph_id, t.structure_fingerprint
     FROM jsonb_to_recordset($1::jsonb) AS t(
       source text, source_id text, material_id int, method text, functional text, spacegroup_number smallint,
       spacegroup_symbol text, lattice float8[], frac_coords float8[], species text[], nsites int, volume float8,
       density float8, raw jsonb, source_url text, release text, fetched_at timestamptz, polymorph_id int,
       structure_fingerprint text)
     ON CONFLICT (source, source_id) DO UPDATE SET
       material_id = EXCLUDED.material_id, method = EXCLUDED.method, functional = EXCLUDED.functional,
       spacegroup_number = EXCLUDED.spacegroup_number, spacegroup_symbol = EXCLUDED.spacegroup_symbol,
       lattice = EXCLUDED.lattice, frac_coords = EXCLUDED.frac_coords, species = EXCLUDED.species,
       nsites = EXCLUDED.nsites, volume = EXCLUDED.volume, density = EXCLUDED.density, raw = EXCLUDED.raw,
       source_url = EXCLUDED.source_url, release = EXCLUDED.release, fetched_at = EXCLUDED.fetched_at,
       polymorph_id = EXCLUDED.polymorph_id, structure_fingerprint = EXCLUDED.structure_fingerprint,
       withdrawn_at = NULL, withdrawn_run_id = NULL
     WHERE (entries.material_id, entries.method, entries.functional, entries.spacegroup_number,
            entries.spacegroup_symbol, entries.lattice, entries.frac_coords, entries.species, entries.volume,
            entries.density, entries.raw, entries.source_url, entries.release, entries.withdrawn_at,
            entries.polymorph_id, entries.structure_fingerprint)
       IS DISTINCT FROM
           (EXCLUDED.material_id, EXCLUDED.method, EXCLUDED.functional, EXCLUDED.spacegroup_number,
            EXCLUDED.spacegroup_symbol, EXCLUDED.lattice, EXCLUDED.frac_coords, EXCLUDED.species, EXCLUDED.volume,
            EXCLUDED.density, EXCLUDED.raw, EXCLUDED.source_url, EXCLUDED.release, NULL::timestamptz,
            EXCLUDED.polymorph_id, EXCLUDED.structure_fingerprint)
     RETURNING id, (xmax = 0) AS inserted`,
    [JSON.stringify(entryRows)],
  );

  const idRows: Array<{ id: number; source: string; source_id: string }> = await manager.query(
    `SELECT e.id, e.source, e.source_id FROM entries e
     JOIN jsonb_to_recordset($1::jsonb) AS t(source text, source_id text)
       ON e.source = t.source AND e.source_id = t.source_id`,
    [JSON.stringify(batch.map((e) => ({ source: e.source, source_id: e.sourceId })))],
  );
  const entryId = new Map(idRows.map((r) => [`${r.source}\u0000${r.source_id}`, r.id]));

  const propertyRows = batch.flatMap((e, i) =>
    e.properties.map((p) => ({
      entry_id: entryId.get(`${e.source}\u0000${e.sourceId}`),
      material_id: materialId.get(formulaOf[i] as string),
      source: e.source,
      key: p.key,
      value: p.value ?? null,
      value_array: p.values ?? null,
      unit: p.unit,
      source_value: p.sourceValue ?? null,
      source_unit: p.sourceUnit ?? null,
      method: p.method ?? "",
      temperature_k: p.temperatureK ?? null,
    })),
  );
  const insertedIds = new Set(changedEntries.filter((r) => r.inserted).map((r) => r.id));
  // Entries inserted just now have no earlier values: their properties skip the history step.
  const anyExisting = insertedIds.size < batch.length;
  const runId = options.runId ?? null;
  const changedProperties: Array<{ entry_id: number }> =
    propertyRows.length === 0
      ? []
      : await manager.query(
          `WITH t AS (
             SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(
               entry_id int, material_id int, source text, key text, value float8, value_array float8[], unit text,
               source_value float8, source_unit text, method text, temperature_k float8)
           )${
             anyExisting
               ? `, replaced AS (
             INSERT INTO property_history (entry_id, source, key, method, temperature_k, value, value_array, unit,
                                           source_value, source_unit, new_value, new_value_array, replaced_by_run_id)
             SELECT p.entry_id, p.source, p.key, p.method, p.temperature_k, p.value, p.value_array, p.unit,
                    p.source_value, p.source_unit, t.value, t.value_array, $2::int
             FROM t JOIN properties p
               ON p.entry_id = t.entry_id AND p.key = t.key AND p.method = t.method
              AND COALESCE(p.temperature_k, -1) = COALESCE(t.temperature_k, -1)
             WHERE (p.value, p.value_array, p.unit, p.source_value, p.source_unit)
                   IS DISTINCT FROM (t.value, t.value_array, t.unit, t.source_value, t.source_unit)
           )`
               : ""
           }
           INSERT INTO properties (entry_id, material_id, source, key, value, value_array, unit, source_value,
                                   source_unit, method, temperature_k)
           SELECT t.entry_id, t.material_id, t.source, t.key, t.value, t.value_array, t.unit, t.source_value,
                  t.source_unit, t.method, t.temperature_k
           FROM t
           ON CONFLICT (entry_id, key, method, (COALESCE(temperature_k, -1))) DO UPDATE SET
             value = EXCLUDED.value, value_array = EXCLUDED.value_array, unit = EXCLUDED.unit,
             source_value = EXCLUDED.source_value, source_unit = EXCLUDED.source_unit,
             material_id = EXCLUDED.material_id, updated_at = now()
           WHERE (properties.value, properties.value_array, properties.unit, properties.source_value,
                  properties.source_unit, properties.material_id)
             IS DISTINCT FROM
                 (EXCLUDED.value, EXCLUDED.value_array, EXCLUDED.unit, EXCLUDED.source_value,
                  EXCLUDED.source_unit, EXCLUDED.material_id)
           RETURNING entry_id`,
          anyExisting ? [JSON.stringify(propertyRows), runId] : [JSON.stringify(propertyRows)],
        );

  const removedProperties: Array<{ entry_id: number }> =
    options.replaceProperties && anyExisting
      ? await removeVanishedProperties(
          manager,
          idRows.map((r) => r.id).filter((id) => !insertedIds.has(id)),
          propertyRows,
          runId,
        )
      : [];

  const updatedIds = new Set(changedEntries.filter((r) => !r.inserted).map((r) => r.id));
  for (const p of changedProperties) if (!insertedIds.has(p.entry_id)) updatedIds.add(p.entry_id);
  for (const p of removedProperties) updatedIds.add(p.entry_id);
  const inserted = insertedIds.size;
  const updated = updatedIds.size;
  return { inserted, updated, unchanged: records.length - inserted - updated };
}

/** Properties of existing entries that the new batch no longer carries: deleted, and kept in property_history. */
async function removeVanishedProperties(
  manager: EntityManager,
  entryIds: readonly number[],
  incoming: ReadonlyArray<{ entry_id: number | undefined; key: string; method: string; temperature_k: number | null }>,
  runId: number | null,
): Promise<Array<{ entry_id: number }>> {
  if (entryIds.length === 0) return [];
  return manager.query(
    `WITH t AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS t(entry_id int, key text, method text, temperature_k float8)
     ), gone AS (
       DELETE FROM properties p
       WHERE p.entry_id = ANY($1::int[])
         AND NOT EXISTS (SELECT 1 FROM t WHERE t.entry_id = p.entry_id AND t.key = p.key AND t.method = p.method
                           AND COALESCE(t.temperature_k, -1) = COALESCE(p.temperature_k, -1))
       RETURNING p.*
     )
     INSERT INTO property_history (entry_id, source, key, method, temperature_k, value, value_array, unit,
                                   source_value, source_unit, new_value, new_value_array, replaced_by_run_id)
     SELECT entry_id, source, key, method, temperature_k, value, value_array, unit, source_value, source_unit,
            NULL, NULL, $3::int
     FROM gone
     RETURNING entry_id`,
    [
      entryIds,
      JSON.stringify(
        incoming.map((p) => ({ entry_id: p.entry_id, key: p.key, method: p.method, temperature_k: p.temperature_k })),
      ),
      runId,
    ],
  );
}

/** One upsert cannot touch a row twice: a record repeated within a batch counts once, its last version wins. */
function lastOfEachId(records: readonly CanonicalEntry[]): CanonicalEntry[] {
  const byId = new Map<string, CanonicalEntry>();
  for (const r of records) {
    const id = `${r.source}\u0000${r.sourceId}`;
    byId.delete(id);
    byId.set(id, r);
  }
  return [...byId.values()];
}
