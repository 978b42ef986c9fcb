import type { EntityManager } from "typeorm";
import { Composition } from "../engine/chem/composition";
import type { CanonicalEntry, CanonicalProperty } from "./canonical-entry";
import { BinaryCopyRows } from "./ingest-copy";
import { rawJsonText } from "./ingest-raw-text";
import { structureFingerprint } from "./polymorph-assign.service";

/**
 * A batch of entries with everything the writer needs that does not depend on the
 * database worked out beforehand: each entry's material identity, its structure's
 * fingerprint and, for a store that takes COPY, the rows of its entry and properties
 * in COPY's binary format with blanks for the ids the database hands out (material,
 * polymorph, entry), which the writer fills in before sending.
 *
 * Why: the writer's statements are the ingest's critical path (bench:ingest: the reader
 * waits for them most of the time), and the writer is on the same thread as the reader.
 * Work moved into the batch is done by the reader while the database is busy with the
 * previous batch, in slices that hand the thread back to the writer (`yieldEvery`).
 */
export interface MaterialIdentity {
  readonly formula: string;
  readonly chemsys: string;
  readonly nelements: number;
  readonly anonymous: string;
}

const ENTRY_COPY_COLUMNS = [
  "id",
  "source",
  "source_id",
  "material_id",
  "method",
  "functional",
  "spacegroup_number",
  "spacegroup_symbol",
  "lattice",
  "frac_coords",
  "species",
  "nsites",
  "volume",
  "density",
  "raw",
  "source_url",
  "release",
  "fetched_at",
  "polymorph_id",
  "structure_fingerprint",
] as const;

const PROPERTY_COPY_COLUMNS = [
  "entry_id",
  "material_id",
  "source",
  "key",
  "value",
  "value_array",
  "unit",
  "source_value",
  "source_unit",
  "method",
  "temperature_k",
] as const;

/** Byte offsets of a property row's entry_id and material_id values from the row's start. */
const PROPERTY_ENTRY_ID_AT = 2 + 4;
const PROPERTY_MATERIAL_ID_AT = PROPERTY_ENTRY_ID_AT + 8;

/** The COPY rows of a batch, with where each entry's blanks are. */
export class EncodedBatch {
  private readonly entryRows = new BinaryCopyRows(ENTRY_COPY_COLUMNS.length);
  private readonly propertyRows = new BinaryCopyRows(PROPERTY_COPY_COLUMNS.length);
  /** Per entry: its row's byte range (start, end) and where its id, material id and polymorph id go (-1: none). */
  private readonly entryAt: number[] = [];
  /** Per property row, its start; entry i owns property rows propertyFirst[i] … propertyFirst[i + 1] − 1. */
  private readonly propertyRowAt: number[] = [];
  private readonly propertyFirst: number[] = [0];

  add(entry: CanonicalEntry, fingerprint: string | undefined, fetchedAt: Date): void {
    const rows = this.entryRows;
    const s = entry.structure;
    const start = rows.offset;
    const idSlot = rows.row().int4Slot();
    const materialSlot = rows.text(entry.source).text(entry.sourceId).int4Slot();
    rows
      .text(entry.method)
      .text(entry.functional)
      .int2(entry.spacegroupNumber)
      .text(entry.spacegroupSymbol)
      .float8Rows(s?.lattice)
      .float8Rows(s?.fracCoords)
      .textArray(s?.species)
      .int4(s?.species.length)
      .float8(entry.volumeAngstrom3)
      .float8(entry.densityGPerCm3)
      .json(rawJsonText(entry.raw))
      .text(entry.sourceUrl)
      .text(entry.release)
      .timestamptz(entry.fetchedAt ?? fetchedAt);
    // Every entry with a fingerprint is placed in a polymorph; the others have none.
    const polymorphSlot = fingerprint === undefined ? (rows.int4(null), -1) : rows.int4Slot();
    rows.text(fingerprint);
    this.entryAt.push(start, rows.offset, idSlot, materialSlot, polymorphSlot);

    for (const p of entry.properties) {
      this.propertyRowAt.push(this.propertyRows.offset);
      encodePropertyRow(this.propertyRows, entry.source, p);
    }
    this.propertyFirst.push(this.propertyRowAt.length);
  }

  /** Hands the rows' buffers on to later batches: once they have been sent, not before. */
  release(): void {
    this.entryRows.release();
    this.propertyRows.release();
  }

  /** Fills in every entry's material id (in its entry row and its property rows) and polymorph id. */
  placeAll(materialIds: readonly number[], placed: ReadonlyArray<{ readonly polymorphId: number } | undefined>): void {
    for (let i = 0; i < this.entryAt.length / 5; i++) this.place(i, materialIds[i] as number, placed[i]?.polymorphId);
  }

  private place(i: number, materialId: number, polymorphId: number | undefined): void {
    const polymorphSlot = this.entryAt[5 * i + 4] as number;
    if (polymorphSlot >= 0 !== (polymorphId !== undefined)) {
      throw new Error(
        `entry ${i} of the batch: polymorph ${polymorphId ?? "none"} where the row has ${polymorphSlot >= 0 ? "one" : "none"}`,
      );
    }
    this.entryRows.patchInt4(this.entryAt[5 * i + 3] as number, materialId);
    if (polymorphId !== undefined) this.entryRows.patchInt4(polymorphSlot, polymorphId);
    for (let r = this.propertyFirst[i] as number; r < (this.propertyFirst[i + 1] as number); r++) {
      this.propertyRows.patchInt4((this.propertyRowAt[r] as number) + PROPERTY_MATERIAL_ID_AT, materialId);
    }
  }

  /** Fills in entry i's id in its entry row. */
  numberEntry(i: number, entryId: number): void {
    this.entryRows.patchInt4(this.entryAt[5 * i + 2] as number, entryId);
  }

  /** Fills in entry i's id in its property rows. */
  numberProperties(i: number, entryId: number): void {
    for (let r = this.propertyFirst[i] as number; r < (this.propertyFirst[i + 1] as number); r++) {
      this.propertyRows.patchInt4((this.propertyRowAt[r] as number) + PROPERTY_ENTRY_ID_AT, entryId);
    }
  }

  /** Copies the entry rows of `entries` (batch indices, ascending) into the store. */
  async copyEntries(manager: EntityManager, entries: readonly number[]): Promise<void> {
    const all = entries.length === this.entryAt.length / 5;
    await this.entryRows.copyInto(manager, "entries", ENTRY_COPY_COLUMNS, all ? undefined : this.entryRanges(entries));
  }

  /** Copies the property rows of `entries` (batch indices, ascending) into the store. */
  async copyProperties(manager: EntityManager, entries: readonly number[]): Promise<void> {
    const all = entries.length === this.entryAt.length / 5;
    await this.propertyRows.copyInto(
      manager,
      "properties",
      PROPERTY_COPY_COLUMNS,
      all ? undefined : this.propertyRanges(entries),
    );
  }

  /** Byte ranges of the entry rows of `entries` (batch indices, ascending), adjacent rows merged. */
  private entryRanges(entries: readonly number[]): Array<[number, number]> {
    return mergedRanges(entries.map((i) => [this.entryAt[5 * i] as number, this.entryAt[5 * i + 1] as number]));
  }

  /** Byte ranges of the property rows of `entries` (batch indices, ascending), adjacent rows merged. */
  private propertyRanges(entries: readonly number[]): Array<[number, number]> {
    const ranges: Array<[number, number]> = [];
    for (const i of entries) {
      const first = this.propertyFirst[i] as number;
      const end = this.propertyFirst[i + 1] as number;
      if (end === first) continue;
      const to = end < this.propertyRowAt.length ? (this.propertyRowAt[end] as number) : this.propertyRows.offset;
      ranges.push([this.propertyRowAt[first] as number, to]);
    }
    return mergedRanges(ranges);
  }
}

function mergedRanges(ranges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const merged: Array<[number, number]> = [];
  for (const [from, to] of ranges) {
    const last = merged[merged.length - 1];
    if (last && last[1] === from) last[1] = to;
    else merged.push([from, to]);
  }
  return merged;
}

function encodePropertyRow(rows: BinaryCopyRows, source: string, p: CanonicalProperty): void {
  rows.row();
  rows.int4Slot(); // entry_id, filled in by EncodedBatch.numberProperties
  rows.int4Slot(); // material_id, filled in by EncodedBatch.place
  rows
    .text(source)
    .text(p.key)
    .float8(p.value)
    .float8Array(p.values)
    .text(p.unit)
    .float8(p.sourceValue)
    .text(p.sourceUnit)
    .text(p.method ?? "")
    .float8(p.temperatureK);
}

export interface PreparedEntries {
  /** The last record of each (source, id), in order. */
  readonly entries: readonly CanonicalEntry[];
  /** How many records the batch was made of, repeats included. */
  readonly recordCount: number;
  readonly materials: readonly MaterialIdentity[];
  readonly fingerprints: ReadonlyArray<string | undefined>;
  /** The COPY rows, when prepared for a store that takes COPY. */
  readonly encoded?: EncodedBatch;
}

export interface PrepareOptions {
  /** Encode the COPY rows too (a real PostgreSQL; the embedded store takes statements). */
  readonly encode: boolean;
  /** Hand the thread back to the event loop after every this many entries (default: never). */
  readonly yieldEvery?: number;
}

export async function prepareEntries(
  records: readonly CanonicalEntry[],
  options: PrepareOptions,
): Promise<PreparedEntries> {
  const entries = lastOfEachId(records);
  const materials: MaterialIdentity[] = [];
  const fingerprints: Array<string | undefined> = [];
  const encoded = options.encode ? new EncodedBatch() : undefined;
  const fetchedAt = new Date();
  const yieldEvery = options.yieldEvery ?? Infinity;
  for (let i = 0; i < entries.length; i++) {
    if (i > 0 && i % yieldEvery === 0) await yieldToEventLoop();
    const entry = entries[i] as CanonicalEntry;
    materials.push(materialOfFormula(entry.formula));
    const fingerprint = entry.structure ? structureFingerprint(entry.structure) : undefined;
    fingerprints.push(fingerprint);
    encoded?.add(entry, fingerprint, fetchedAt);
  }
  return { entries, recordCount: records.length, materials, fingerprints, ...(encoded ? { encoded } : {}) };
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Formula text → its material's identity. Parsing is pure and the same few formulas
 * recur across a dataset, so parses are kept (a bounded map, emptied when full).
 */
const materialCache = new Map<string, MaterialIdentity>();
const MATERIAL_CACHE_SIZE = 50_000;

function materialOfFormula(formulaText: string): MaterialIdentity {
  let material = materialCache.get(formulaText);
  if (!material) {
    const composition = Composition.parse(formulaText);
    material = {
      formula: composition.reducedFormula,
      chemsys: composition.chemicalSystem,
      nelements: composition.nelements,
      anonymous: composition.anonymousFormula,
    };
    if (materialCache.size >= MATERIAL_CACHE_SIZE) materialCache.clear();
    materialCache.set(formulaText, material);
  }
  return material;
}

/** The last record of each (source, id), each at the place of its last occurrence. */
function lastOfEachId(records: readonly CanonicalEntry[]): CanonicalEntry[] {
  const byId = new Map<string, CanonicalEntry>();
  for (const r of records) {
    const id = `${r.source}\u0000${r.sourceId}`;
    byId.delete(id);
    byId.set(id, r);
  }
  return [...byId.values()];
}
