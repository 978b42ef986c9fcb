import type { DataSource, EntityManager } from "typeorm";
import { InvalidInputError } from "../errors";
import type { CanonicalEntry, CanonicalProperty, CanonicalStructure, WriteSummary } from "./canonical-entry";
import { prepareEntries, type EncodedBatch, type MaterialIdentity, type PreparedEntries } from "./entry-batch";
import { rawJsonText } from "./ingest-raw-text";
import { assignPolymorphs, type PolymorphCandidate } from "./polymorph-assign.service";

export interface WriteOptions {
  /** The ingest run writing this batch: replaced values are kept in property_history with it. */
  readonly runId?: number;
  /**
   * The batch holds each entry's complete property set: properties an existing entry
   * no longer has are removed (and kept in property_history). Ingest runs set it;
   * callers that add properties piecemeal leave it off.
   */
  readonly replaceProperties?: boolean;
  /**
   * Called once with the source ids of the batch's entries that the store held before
   * this batch (updated or unchanged; not the ones it inserted).
   */
  readonly onExisting?: (sourceIds: readonly string[]) => void;
  /**
   * The caller expects every entry of the batch to be new (in an ingest run: the previous
   * batch was). The copy is then tried without first asking which entries the store
   * holds; should it hold one, the copy is rolled back and the batch takes the usual path.
   */
  readonly expectNew?: boolean;
  /**
   * The caller's transaction may commit without waiting for its WAL flush (SET LOCAL
   * synchronous_commit = off, sent with the batch's first statement): an ingest run writes
   * a batch lost to a server crash again on resume, from the checkpoint committed with it.
   */
  readonly relaxedCommit?: boolean;
  /**
   * What follows the batch in the caller's transaction refers to nothing but the run
   * (`runId`), which the batch locks: the per-row key checks then stay off and the
   * batch's savepoint open until the transaction ends, instead of a statement to restore
   * them (an ingest run's own bookkeeping). Without a run, the checks are restored anyway.
   */
  readonly onlyRunFollows?: boolean;
}

/**
 * Upserts a batch of canonical entries in a fixed number of statements (whatever
 * the batch size): materials, then polymorphs of the entries that carry a
 * structure, then entries, then properties. Each statement binds one typed array
 * per column and `unnest()`s them (raw payloads travel as one JSON array), so the
 * server parses every value once with its own type's input function instead of
 * unpacking a JSON document per row; on a real PostgreSQL, entries the store does not
 * hold yet and their properties are sent with COPY instead (see batchModeOf). Rows whose
 * content did not change are not touched, so a re-import writes nothing. A value that
 * did change is kept in property_history first, with the run that replaced it.
 * Run it inside a transaction: a batch lands whole or not at all. `records` may come
 * prepared (BatchBuilder, prepareEntries), as the ingest pipeline hands them over.
 */
export async function writeEntries(
  manager: EntityManager,
  records: readonly CanonicalEntry[] | PreparedEntries,
  options: WriteOptions = {},
): Promise<WriteSummary> {
  if (isRecordList(records) ? records.length === 0 : records.entries.length === 0) {
    return { inserted: 0, updated: 0, unchanged: 0 };
  }
  const mode = await batchModeOf(manager, options);
  let prepared = isRecordList(records) ? prepareEntries(records, mode.copy) : records;
  if (mode.copy && !prepared.encoded)
    prepared = { ...prepareEntries(prepared.entries, true), recordCount: prepared.recordCount };
  let path: EntryPath = !mode.copy ? "upsert" : options.expectNew ? "guessNew" : "copyNew";
  let summary: WriteSummary | undefined;
  while (!summary) {
    try {
      summary = await writeBatch(manager, prepared, options, path);
    } catch (error) {
      // A copied entry the store holds after all (a wrong guess, or one a concurrent writer added
      // meanwhile): the batch is written again from its start, down the next path.
      if (path === "upsert" || (error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
      await manager.query(`ROLLBACK TO SAVEPOINT entries_copy`);
      path = path === "guessNew" ? "copyNew" : "upsert";
    }
  }
  // Sent by now (after a failure they may still be in the socket's queue, and are left to the collector).
  prepared.encoded?.release();
  if (options.onlyRunFollows && options.runId !== undefined) return summary;
  const closing = [
    ...(mode.copy ? [`RELEASE SAVEPOINT entries_copy`] : []),
    // Only this batch's statements run without the per-row checks; the rest of the caller's transaction has them.
    ...(mode.skipKeyChecks ? [`SET LOCAL session_replication_role = origin`] : []),
  ];
  if (closing.length > 0) await manager.query(closing.join("; "));
  return summary;
}

function isRecordList(records: readonly CanonicalEntry[] | PreparedEntries): records is readonly CanonicalEntry[] {
  return Array.isArray(records);
}

/**
 * How a batch's entries go in: copied on the guess that all are new (ids drawn with the
 * materials), copied where the store does not hold them yet (asked first), or upserted.
 * On a real PostgreSQL a batch starts down one of the first two; a copy that meets an
 * entry the store holds fails on the unique key, and the batch is rolled back to the
 * savepoint it began with and written down the next path.
 */
type EntryPath = "guessNew" | "copyNew" | "upsert";

/**
 * Foreign keys are checked by a trigger per inserted row, each a query that also locks
 * the referenced row: for an ingest batch (about five property rows per entry) those
 * checks were half of the server's time. The batch already guarantees what they check —
 * every referenced id is one this transaction just wrote, or read and locked
 * (FOR KEY SHARE, set-wise, exactly the lock the trigger would take: materials as they
 * are upserted, polymorphs as they are found, the run with these settings) — so the batch's own
 * statements run with the triggers off (`session_replication_role = replica`, which
 * disables triggers for the transaction only, SET LOCAL). The constraints stay in the
 * schema for every other writer. Only a superuser may set it; otherwise the checks run.
 *
 * New entries and their properties go in with COPY on a real PostgreSQL (see ingest-copy);
 * the embedded store does not take COPY FROM STDIN and gets the same rows as statements.
 */
interface BatchMode {
  readonly skipKeyChecks: boolean;
  /** New entries may be copied in; the batch then begins with SAVEPOINT entries_copy. */
  readonly copy: boolean;
}

interface StoreTraits {
  readonly superuser: boolean;
  readonly embedded: boolean;
  readonly ownTriggers: boolean;
}

const storeTraits = new WeakMap<object, StoreTraits>();

/** Whether the store behind `dataSource` takes new entries by COPY (so batches are worth preparing for it). */
export async function storeTakesCopy(dataSource: DataSource): Promise<boolean> {
  return !(await traitsOf(dataSource.manager)).embedded;
}

async function batchModeOf(manager: EntityManager, options: WriteOptions): Promise<BatchMode> {
  // Both need the batch's statements on one connection inside one transaction.
  if (!manager.queryRunner?.isTransactionActive) return { skipKeyChecks: false, copy: false };
  const traits = await traitsOf(manager);
  // With the triggers off an entry moved to another material does not cascade to its properties:
  // only a batch that rewrites each entry's whole property set (which moves them too) may skip them.
  const skipKeyChecks = traits.superuser && !traits.ownTriggers && options.replaceProperties === true;
  const runId = options.runId;
  if (runId !== undefined && !Number.isSafeInteger(runId)) throw new Error(`run id ${runId} is not an integer`);
  const settings = [
    ...(skipKeyChecks ? [`SET LOCAL session_replication_role = replica`] : []),
    ...(options.relaxedCommit ? [`SET LOCAL synchronous_commit = off`] : []),
    // The run the batch's history rows refer to, locked as their key checks would lock it.
    ...(skipKeyChecks && runId !== undefined ? [`SELECT 1 FROM ingest_runs WHERE id = ${runId} FOR KEY SHARE`] : []),
    ...(traits.embedded ? [] : [`SAVEPOINT entries_copy`]),
  ];
  // One round trip for all (a statement without parameters may hold several).
  if (settings.length > 0) await manager.query(settings.join("; "));
  return { skipKeyChecks, copy: !traits.embedded };
}

async function traitsOf(manager: EntityManager): Promise<StoreTraits> {
  let traits = storeTraits.get(manager.connection);
  if (traits === undefined) {
    // Replica mode turns off every trigger, not only the key checks: a table the batch (or an
    // ingest run's bookkeeping after it, see onlyRunFollows) writes that has triggers of its
    // own (none today) keeps the checks on.
    const [row]: Array<{ superuser: boolean; embedded: boolean; own_triggers: boolean }> = await manager.query(
      `SELECT current_setting('is_superuser') = 'on' AS superuser, version() LIKE '%PGlite%' AS embedded,
              EXISTS (SELECT 1 FROM pg_trigger
                      WHERE NOT tgisinternal
                        AND tgrelid = ANY (ARRAY['materials', 'polymorphs', 'polymorph_fingerprints', 'entries',
                                                 'properties', 'property_history', 'ingest_runs',
                                                 'ingest_run_seen']::regclass[])) AS own_triggers`,
    );
    traits = {
      superuser: row?.superuser === true,
      embedded: row?.embedded !== false,
      ownTriggers: row?.own_triggers !== false,
    };
    storeTraits.set(manager.connection, traits);
  }
  return traits;
}

async function writeBatch(
  manager: EntityManager,
  prepared: PreparedEntries,
  options: WriteOptions,
  path: EntryPath,
): Promise<WriteSummary> {
  const batch = prepared.entries;
  const { ids: materialId, entryIds: drawn } = await upsertMaterials(
    manager,
    prepared.materials,
    path === "guessNew" ? batch.length : 0,
  );
  const materialIdOf = prepared.materials.map((m) => materialId.get(m.formula) as number);

  const placed = await assignPolymorphs(
    manager,
    batch.map((e, i) => new EntryCandidate(materialIdOf[i] as number, e)),
    prepared.fingerprints,
  );

  const encoded = path === "upsert" ? undefined : prepared.encoded;
  encoded?.placeAll(materialIdOf, placed);
  const { entryIds, insertedIds, updatedIds } = encoded
    ? await copyNewEntries(manager, batch, encoded, materialIdOf, placed, drawn)
    : await upsertEntries(manager, batch, materialIdOf, placed);

  if (options.onExisting) {
    options.onExisting(batch.flatMap((e, i) => (insertedIds.has(entryIds[i] as number) ? [] : [e.sourceId])));
  }

  const runId = options.runId ?? null;
  // Properties of entries inserted just now can have no earlier values: a plain insert (or copy), no history step.
  const fresh = new PropertyColumns();
  const freshIndices: number[] = [];
  const existing = new PropertyColumns();
  const existingIds: number[] = [];
  batch.forEach((e, i) => {
    const id = entryIds[i] as number;
    const isNew = insertedIds.has(id);
    if (isNew) freshIndices.push(i);
    else existingIds.push(id);
    // The copy already holds the new entries' property rows.
    if (isNew && encoded) return;
    const rows = isNew ? fresh : existing;
    for (const p of e.properties) rows.push(id, materialIdOf[i] as number, e.source, p);
  });

  if (encoded) {
    // The ids the entries got (the upsert's, where a concurrent writer made the copy fall back to it).
    for (const i of freshIndices) encoded.numberProperties(i, entryIds[i] as number);
    await encoded.copyProperties(manager, freshIndices);
  } else if (fresh.length > 0) await insertFreshProperties(manager, fresh);
  if (existing.length > 0) {
    for (const id of await upsertExistingProperties(manager, existing, runId)) updatedIds.add(id);
  }
  if (options.replaceProperties && existingIds.length > 0) {
    for (const id of await removeVanishedProperties(manager, existingIds, existing, runId)) updatedIds.add(id);
  }

  const inserted = insertedIds.size;
  const updated = updatedIds.size;
  return { inserted, updated, unchanged: prepared.recordCount - inserted - updated };
}

/**
 * A batch entry as a polymorph candidate. Its structure and space group are read only
 * for a structure not seen before: a prepared batch may hold its entries as COPY rows,
 * read back on first use (see BatchBuilder).
 */
class EntryCandidate implements PolymorphCandidate {
  constructor(
    readonly materialId: number,
    private readonly entry: CanonicalEntry,
  ) {}

  get structure(): CanonicalStructure | undefined {
    return this.entry.structure;
  }

  get spacegroupNumber(): number | undefined {
    return this.entry.spacegroupNumber;
  }

  get spacegroupSymbol(): string | undefined {
    return this.entry.spacegroupSymbol;
  }
}

/**
 * Inserts the batch's new materials (in formula order, so concurrent writers lock alike)
 * and returns every id; with `drawEntryIds` > 0 the same statement also draws that many
 * entry ids (one round trip fewer for a batch that is copied in).
 */
async function upsertMaterials(
  manager: EntityManager,
  materials: readonly MaterialIdentity[],
  drawEntryIds: number,
): Promise<{ ids: Map<string, number>; entryIds?: number[] }> {
  const distinct = [...new Map(materials.map((m) => [m.formula, m])).values()].sort((a, b) =>
    a.formula < b.formula ? -1 : a.formula > b.formula ? 1 : 0,
  );
  const formulas = distinct.map((m) => m.formula);
  // New rows come back from the insert; the ones the store held, locked as a key check would
  // lock them (the batch's entries refer to them), from the same statement.
  // The drawn ids come as one more row, as text (a row per id cost more to receive than to draw).
  const rows: Array<{ id: number | null; formula: string | null; entry_ids: string | null }> = await manager.query(
    `WITH added AS (
       INSERT INTO materials (formula, elements, nelements, chemsys, formula_anonymous)
       SELECT t.formula, string_to_array(t.chemsys, '-'), t.nelements, t.chemsys, t.anonymous
       FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[]) AS t(formula, chemsys, nelements, anonymous)
       ON CONFLICT (formula) DO NOTHING
       RETURNING id, formula)
     SELECT id, formula, NULL::text AS entry_ids FROM added
     UNION ALL
     SELECT id, formula, NULL FROM (SELECT id, formula FROM materials WHERE formula = ANY($1::text[]) FOR KEY SHARE) held
     UNION ALL
     SELECT NULL, NULL, ${drawnIdsText("$5")} WHERE $5::int > 0`,
    [
      formulas,
      distinct.map((m) => m.chemsys),
      distinct.map((m) => m.nelements),
      distinct.map((m) => m.anonymous),
      drawEntryIds,
    ],
  );
  const ids = new Map<string, number>();
  let entryIds: number[] | undefined;
  for (const r of rows) {
    if (r.formula !== null && r.id !== null) ids.set(r.formula, r.id);
    else entryIds = parseDrawnIds(r.entry_ids, drawEntryIds);
  }
  // A row a concurrent writer committed after this statement's snapshot was skipped by the insert
  // and is not in its snapshot either: a second statement sees it.
  const missing = formulas.filter((f) => !ids.has(f));
  if (missing.length > 0) {
    const late: Array<{ id: number; formula: string }> = await manager.query(
      `SELECT id, formula FROM materials WHERE formula = ANY($1::text[]) FOR KEY SHARE`,
      [missing],
    );
    for (const r of late) ids.set(r.formula, r.id);
  }
  return { ids, ...(entryIds ? { entryIds } : {}) };
}

/** A subquery drawing as many ids from the entries' sequence as `count` (a parameter) says, as one comma-separated text. */
function drawnIdsText(count: string): string {
  return `(SELECT string_agg(nextval(s.seq)::text, ',')
   FROM (SELECT pg_get_serial_sequence('entries', 'id')::regclass AS seq OFFSET 0) s, generate_series(1, ${count}::int))`;
}

async function drawEntryIds(manager: EntityManager, count: number): Promise<number[]> {
  const [row]: Array<{ ids: string | null }> = await manager.query(`SELECT ${drawnIdsText("$1")} AS ids`, [count]);
  return parseDrawnIds(row?.ids ?? null, count);
}

function parseDrawnIds(text: string | null, expected: number): number[] {
  const ids = (text ?? "").split(",").map(Number);
  if (ids.length !== expected || ids.some((id) => !Number.isSafeInteger(id))) {
    throw new Error(`drew ${ids.length} entry ids for ${expected} entries`);
  }
  return ids;
}

interface UpsertedEntries {
  /** The id of each batch entry, in batch order. */
  readonly entryIds: number[];
  readonly insertedIds: Set<number>;
  readonly updatedIds: Set<number>;
}

/**
 * Entries the store does not hold yet (the whole batch on a first ingest) are copied in
 * with ids drawn from the sequence up front; the others go through the upsert.
 * `guessedIds` (ids drawn for every entry of the batch, on the guess that all are new)
 * skips asking which entries the store holds. A copied entry the store holds after all
 * fails the copy on the unique key (see EntryPath).
 */
async function copyNewEntries(
  manager: EntityManager,
  batch: readonly CanonicalEntry[],
  encoded: EncodedBatch,
  materialIdOf: readonly number[],
  placed: ReadonlyArray<{ polymorphId: number; fingerprint: string } | undefined>,
  guessedIds: readonly number[] | undefined,
): Promise<UpsertedEntries> {
  const fresh = guessedIds ? batch.map((_, i) => i) : await notStored(manager, batch);
  if (fresh.length === 0) return upsertEntries(manager, batch, materialIdOf, placed);

  const ids = guessedIds ?? (await drawEntryIds(manager, fresh.length));
  if (ids.length !== fresh.length) throw new Error(`${ids.length} entry ids for ${fresh.length} entries`);
  fresh.forEach((i, k) => encoded.numberEntry(i, ids[k] as number));
  await encoded.copyEntries(manager, fresh);

  const entryIds: number[] = new Array<number>(batch.length);
  const insertedIds = new Set<number>();
  fresh.forEach((i, k) => {
    const id = ids[k] as number;
    entryIds[i] = id;
    insertedIds.add(id);
  });
  if (fresh.length === batch.length) return { entryIds, insertedIds, updatedIds: new Set() };
  const isFresh = new Set(fresh);
  const others = batch.flatMap((_, i) => (isFresh.has(i) ? [] : [i]));
  const upserted = await upsertEntries(
    manager,
    others.map((i) => batch[i] as CanonicalEntry),
    others.map((i) => materialIdOf[i] as number),
    others.map((i) => placed[i]),
  );
  others.forEach((i, k) => {
    entryIds[i] = upserted.entryIds[k] as number;
  });
  for (const id of upserted.insertedIds) insertedIds.add(id);
  return { entryIds, insertedIds, updatedIds: upserted.updatedIds };
}

const UNIQUE_VIOLATION = "23505";

/** Indices of the batch's entries the store does not hold. */
async function notStored(manager: EntityManager, batch: readonly CanonicalEntry[]): Promise<number[]> {
  const key = (source: string, sourceId: string) => `${source}\u0000${sourceId}`;
  const stored: Array<{ source: string; source_id: string }> = await manager.query(
    `SELECT e.source, e.source_id
     FROM entries e JOIN unnest($1::text[], $2::text[]) AS t(source, source_id)
       ON e.source = t.source AND e.source_id = t.source_id`,
    [textArray(batch.map((e) => e.source)), textArray(batch.map((e) => e.sourceId))],
  );
  const isStored = new Set(stored.map((r) => key(r.source, r.source_id)));
  const fresh: number[] = [];
  batch.forEach((e, i) => {
    if (!isStored.has(key(e.source, e.sourceId))) fresh.push(i);
  });
  return fresh;
}

async function upsertEntries(
  manager: EntityManager,
  batch: readonly CanonicalEntry[],
  materialIdOf: readonly number[],
  placed: ReadonlyArray<{ polymorphId: number; fingerprint: string } | undefined>,
): Promise<UpsertedEntries> {
  const now = new Date().toISOString();
  // Structures travel as one flat number array per batch; each row slices out its own part.
  const lattices = new NumberList();
  const coords = new NumberList();
  const latticeFrom: Array<number | null> = [];
  const latticeTo: Array<number | null> = [];
  const coordsFrom: Array<number | null> = [];
  const coordsTo: Array<number | null> = [];
  const species: Array<string | null> = [];
  for (const e of batch) {
    const s = e.structure;
    if (!s) {
      latticeFrom.push(null);
      latticeTo.push(null);
      coordsFrom.push(null);
      coordsTo.push(null);
      species.push(null);
      continue;
    }
    latticeFrom.push(lattices.length + 1);
    for (const row of s.lattice) lattices.pushAll(row);
    latticeTo.push(lattices.length);
    coordsFrom.push(coords.length + 1);
    for (const f of s.fracCoords) coords.pushAll(f);
    coordsTo.push(coords.length);
    species.push(joinSpecies(s.species));
  }
  const col = <T>(f: (e: CanonicalEntry, i: number) => T): T[] => batch.map(f);
  const changed: Array<{ id: number; source: string; source_id: string; inserted: boolean }> = await manager.query(
    `INSERT INTO entries (source, source_id, material_id, method, functional, spacegroup_number, spacegroup_symbol,
                          lattice, frac_coords, species, nsites, volume, density, raw, source_url, release, fetched_at,
                          polymorph_id, structure_fingerprint)
     SELECT t.source, t.source_id, t.material_id, t.method, t.functional, t.spacegroup_number, t.spacegroup_symbol,
            ($8::float8[])[t.lattice_from : t.lattice_to], ($9::float8[])[t.coords_from : t.coords_to],
            string_to_array(t.species, chr(31)), t.nsites, t.volume, t.density,
            CASE WHEN json_typeof(t.raw) <> 'null' THEN t.raw END,
            t.source_url, t.release, t.fetched_at, t.polymorph_id, t.structure_fingerprint
     FROM ROWS FROM (
       unnest($1::text[]), unnest($2::text[]), unnest($3::int[]), unnest($4::text[]), unnest($5::text[]),
       unnest($6::smallint[]), unnest($7::text[]), unnest($10::int[]), unnest($11::int[]), unnest($12::int[]),
       unnest($13::int[]), unnest($14::text[]), unnest($15::int[]), unnest($16::float8[]), unnest($17::float8[]),
       json_array_elements($18::json), unnest($19::text[]), unnest($20::text[]), unnest($21::timestamptz[]),
       unnest($22::int[]), unnest($23::text[])
     ) AS t(source, source_id, material_id, method, functional, spacegroup_number, spacegroup_symbol, lattice_from,
            lattice_to, coords_from, coords_to, species, nsites, volume, density, raw, source_url, release, fetched_at,
            polymorph_id, structure_fingerprint)
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
            entries.density, entries.raw::jsonb, entries.source_url, entries.release, entries.withdrawn_at,
            entries.polymorph_id, entries.structure_fingerprint)
       IS DISTINCT FROM
           (EXCLUDED.material_id, EXCLUDED.method, EXCLUDED.functional, EXCLUDED.spacegroup_number,
            EXCLUDED.spacegroup_symbol, EXCLUDED.lattice, EXCLUDED.frac_coords, EXCLUDED.species, EXCLUDED.volume,
            EXCLUDED.density, EXCLUDED.raw::jsonb, EXCLUDED.source_url, EXCLUDED.release, NULL::timestamptz,
            EXCLUDED.polymorph_id, EXCLUDED.structure_fingerprint)
     RETURNING id, source, source_id, (xmax = 0) AS inserted`,
    [
      textArray(col((e) => e.source)),
      textArray(col((e) => e.sourceId)),
      numberArray(materialIdOf),
      textArray(col((e) => e.method ?? null)),
      textArray(col((e) => e.functional ?? null)),
      numberArray(col((e) => e.spacegroupNumber ?? null)),
      textArray(col((e) => e.spacegroupSymbol ?? null)),
      lattices.literal(),
      coords.literal(),
      numberArray(latticeFrom),
      numberArray(latticeTo),
      numberArray(coordsFrom),
      numberArray(coordsTo),
      textArray(species),
      numberArray(col((e) => (e.structure ? e.structure.species.length : null))),
      numberArray(col((e) => e.volumeAngstrom3 ?? null)),
      numberArray(col((e) => e.densityGPerCm3 ?? null)),
      `[${col((e) => rawJsonText(e.raw) ?? "null").join(",")}]`,
      textArray(col((e) => e.sourceUrl ?? null)),
      textArray(col((e) => e.release ?? null)),
      textArray(col((e) => (e.fetchedAt ? e.fetchedAt.toISOString() : now))),
      numberArray(col((_, i) => placed[i]?.polymorphId ?? null)),
      textArray(col((_, i) => placed[i]?.fingerprint ?? null)),
    ],
  );

  const key = (source: string, sourceId: string) => `${source}\u0000${sourceId}`;
  const idOf = new Map<string, number>();
  const insertedIds = new Set<number>();
  const updatedIds = new Set<number>();
  for (const r of changed) {
    idOf.set(key(r.source, r.source_id), r.id);
    (r.inserted ? insertedIds : updatedIds).add(r.id);
  }
  if (changed.length < batch.length) {
    // Unchanged rows are not returned by the upsert: look up only those.
    const missing = batch.filter((e) => !idOf.has(key(e.source, e.sourceId)));
    const rows: Array<{ id: number; source: string; source_id: string }> = await manager.query(
      `SELECT e.id, e.source, e.source_id
       FROM entries e JOIN unnest($1::text[], $2::text[]) AS t(source, source_id)
         ON e.source = t.source AND e.source_id = t.source_id
       FOR KEY SHARE OF e`,
      [textArray(missing.map((e) => e.source)), textArray(missing.map((e) => e.sourceId))],
    );
    for (const r of rows) idOf.set(key(r.source, r.source_id), r.id);
  }
  return { entryIds: batch.map((e) => idOf.get(key(e.source, e.sourceId)) as number), insertedIds, updatedIds };
}

/** Property rows as one array per column, ready to bind. */
class PropertyColumns {
  readonly entryId: number[] = [];
  readonly materialId: number[] = [];
  readonly source: string[] = [];
  readonly key: string[] = [];
  readonly value: Array<number | null> = [];
  readonly values: Array<readonly number[] | null> = [];
  readonly unit: string[] = [];
  readonly sourceValue: Array<number | null> = [];
  readonly sourceUnit: Array<string | null> = [];
  readonly method: string[] = [];
  readonly temperatureK: Array<number | null> = [];

  get length(): number {
    return this.entryId.length;
  }

  push(entryId: number, materialId: number, source: string, p: CanonicalProperty): void {
    this.entryId.push(entryId);
    this.materialId.push(materialId);
    this.source.push(source);
    this.key.push(p.key);
    this.value.push(p.value ?? null);
    this.values.push(p.values ?? null);
    this.unit.push(p.unit);
    this.sourceValue.push(p.sourceValue ?? null);
    this.sourceUnit.push(p.sourceUnit ?? null);
    this.method.push(p.method ?? "");
    this.temperatureK.push(p.temperatureK ?? null);
  }

  /** Bind parameters $1…$11 in the column order of PROPERTY_ROWS. */
  params(): string[] {
    return [
      numberArray(this.entryId),
      numberArray(this.materialId),
      textArray(this.source),
      textArray(this.key),
      numberArray(this.value),
      textArray(this.values.map((v) => (v ? `{${v.join(",")}}` : null))),
      textArray(this.unit),
      numberArray(this.sourceValue),
      textArray(this.sourceUnit),
      textArray(this.method),
      numberArray(this.temperatureK),
    ];
  }
}

const PROPERTY_ROWS = `unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::float8[], $6::text[], $7::text[],
                              $8::float8[], $9::text[], $10::text[], $11::float8[])
  AS t(entry_id, material_id, source, key, value, value_array, unit, source_value, source_unit, method, temperature_k)`;

async function insertFreshProperties(manager: EntityManager, rows: PropertyColumns): Promise<void> {
  await manager.query(
    `INSERT INTO properties (entry_id, material_id, source, key, value, value_array, unit, source_value,
                             source_unit, method, temperature_k)
     SELECT t.entry_id, t.material_id, t.source, t.key, t.value, t.value_array::float8[], t.unit, t.source_value,
            t.source_unit, t.method, t.temperature_k
     FROM ${PROPERTY_ROWS}`,
    rows.params(),
  );
}

/** Upserts properties of entries that existed before this batch; returns the entries whose values changed. */
async function upsertExistingProperties(
  manager: EntityManager,
  rows: PropertyColumns,
  runId: number | null,
): Promise<number[]> {
  const changed: Array<{ entry_id: number }> = await manager.query(
    `WITH t AS (
       SELECT t.entry_id, t.material_id, t.source, t.key, t.value, t.value_array::float8[] AS value_array, t.unit,
              t.source_value, t.source_unit, t.method, t.temperature_k
       FROM ${PROPERTY_ROWS}
     ), replaced AS (
       INSERT INTO property_history (entry_id, source, key, method, temperature_k, value, value_array, unit,
                                     source_value, source_unit, new_value, new_value_array, replaced_by_run_id)
       SELECT p.entry_id, p.source, p.key, p.method, p.temperature_k, p.value, p.value_array, p.unit,
              p.source_value, p.source_unit, t.value, t.value_array, $12::int
       FROM t JOIN properties p
         ON p.entry_id = t.entry_id AND p.key = t.key AND p.method = t.method
        AND COALESCE(p.temperature_k, -1) = COALESCE(t.temperature_k, -1)
       WHERE (p.value, p.value_array, p.unit, p.source_value, p.source_unit)
             IS DISTINCT FROM (t.value, t.value_array, t.unit, t.source_value, t.source_unit)
     )
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
    [...rows.params(), runId],
  );
  return changed.map((r) => r.entry_id);
}

/** Properties of existing entries that the new batch no longer carries: deleted, and kept in property_history. */
async function removeVanishedProperties(
  manager: EntityManager,
  entryIds: readonly number[],
  incoming: PropertyColumns,
  runId: number | null,
): Promise<number[]> {
  const gone: Array<{ entry_id: number }> = await manager.query(
    `WITH t AS (
       SELECT * FROM unnest($2::int[], $3::text[], $4::text[], $5::float8[]) AS t(entry_id, key, method, temperature_k)
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
            NULL, NULL, $6::int
     FROM gone
     RETURNING entry_id`,
    [
      numberArray(entryIds),
      numberArray(incoming.entryId),
      textArray(incoming.key),
      textArray(incoming.method),
      numberArray(incoming.temperatureK),
      runId,
    ],
  );
  return gone.map((r) => r.entry_id);
}

/*
 * Array parameters are bound as PostgreSQL array literals built here in one pass
 * (the driver's generic conversion quotes and escapes element by element, which
 * showed in profiles). JavaScript prints the shortest text that reads back as the
 * same double, so numbers survive exactly.
 */
function numberArray(values: ReadonlyArray<number | null>): string {
  // join() prints null as an empty element; PostgreSQL wants NULL there.
  const hasNull = values.some((v) => v === null || v === undefined);
  return `{${(hasNull ? values.map((v) => (v === null || v === undefined ? "NULL" : v)) : values).join(",")}}`;
}

const NEEDS_ESCAPE = /[\\"]/;

function textArray(values: ReadonlyArray<string | null>): string {
  let text = "{";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const item = v === null || v === undefined ? "NULL" : `"${NEEDS_ESCAPE.test(v) ? v.replace(/[\\"]/g, "\\$&") : v}"`;
    text += (i === 0 ? "" : ",") + item;
  }
  return text + "}";
}

/** Numbers appended one by one into one flat array literal. */
class NumberList {
  private readonly values: number[] = [];

  get length(): number {
    return this.values.length;
  }

  pushAll(values: readonly number[]): void {
    for (const v of values) this.values.push(v);
  }

  literal(): string {
    return `{${this.values.join(",")}}`;
  }
}

/** A structure's species in one text (split again by the server): the unit separator never occurs in a symbol. */
function joinSpecies(species: readonly string[]): string {
  if (species.some((s) => s.includes("\u001f"))) {
    throw new InvalidInputError("a species name contains the unit separator character (U+001F)");
  }
  return species.join("\u001f");
}
