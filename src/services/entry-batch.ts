import type { EntityManager } from "typeorm";
import { Composition } from "../engine/chem/composition";
import type { PropertyKey } from "../domain/property-key";
import type { Source } from "../domain/source";
import type {
  CanonicalEntry,
  CanonicalProperty,
  CanonicalStructure,
  DraftEntry,
  DraftProperty,
} from "./canonical-entry";
import { BinaryCopyRows, type BinaryRowReader } from "./ingest-copy";
import { rawJsonText, rawTextOnly } from "./ingest-raw-text";
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
 * Work moved into the batch is done by the reader, entry by entry as records are read
 * (BatchBuilder), while the database is busy with the previous batch.
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

/**
 * Per entry of an EncodedBatch: its row's byte range (start, end); where its id, material id
 * and polymorph id go (-1: none); its property rows, as a range of indices into propertyRowAt.
 */
const ROW_START = 0;
const ROW_END = 1;
const ID_SLOT = 2;
const MATERIAL_SLOT = 3;
const POLYMORPH_SLOT = 4;
const FIRST_PROPERTY = 5;
const END_PROPERTY = 6;
const STRIDE = 7;

/** The COPY rows of a batch, with where each entry's blanks are. */
export class EncodedBatch {
  private readonly entryRows = new BinaryCopyRows(ENTRY_COPY_COLUMNS.length);
  private readonly propertyRows = new BinaryCopyRows(PROPERTY_COPY_COLUMNS.length);
  /** STRIDE numbers per entry of the batch (see ROW_START … END_PROPERTY). */
  private entryAt: number[] = [];
  /** Where each property row starts, in the order written. */
  private readonly propertyRowAt: number[] = [];
  /** False once entries have been left out (select): the rows are then sent by ranges, not all at once. */
  private complete = true;

  get count(): number {
    return this.entryAt.length / STRIDE;
  }

  /** Bytes of rows written, entries' and properties' (what the batch holds off the JavaScript heap). */
  get byteLength(): number {
    return this.entryRows.offset + this.propertyRows.offset;
  }

  /**
   * Writes the entry's rows. An entry that cannot be written (a value out of its column's
   * range) leaves no partial row behind: the error is the caller's to report.
   */
  add(entry: CanonicalEntry, fingerprint: string | undefined, fetchedAt: Date): void {
    const rows = this.entryRows;
    const start = rows.offset;
    const startRows = rows.length;
    const firstProperty = this.propertyRowAt.length;
    const propertiesStart = this.propertyRows.offset;
    const propertiesStartRows = this.propertyRows.length;
    try {
      const s = entry.structure;
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
      for (const p of entry.properties) {
        this.propertyRowAt.push(this.propertyRows.offset);
        encodePropertyRow(this.propertyRows, entry.source, p);
      }
      this.entryAt.push(
        start,
        rows.offset,
        idSlot,
        materialSlot,
        polymorphSlot,
        firstProperty,
        this.propertyRowAt.length,
      );
    } catch (error) {
      rows.truncate(start, startRows);
      this.propertyRows.truncate(propertiesStart, propertiesStartRows);
      this.propertyRowAt.length = firstProperty;
      throw error;
    }
  }

  /** Keeps only the entries at `indices` (ascending), which become entries 0, 1, … */
  select(indices: readonly number[]): void {
    if (indices.length === this.count) return;
    const kept: number[] = [];
    for (const i of indices) for (let k = 0; k < STRIDE; k++) kept.push(this.entryAt[STRIDE * i + k] as number);
    this.entryAt = kept;
    this.complete = false;
  }

  /** Hands the rows' buffers on to later batches: once they have been sent, not before. */
  release(): void {
    this.entryRows.release();
    this.propertyRows.release();
  }

  /** Fills in every entry's material id (in its entry row and its property rows) and polymorph id. */
  placeAll(materialIds: readonly number[], placed: ReadonlyArray<{ readonly polymorphId: number } | undefined>): void {
    for (let i = 0; i < this.count; i++) this.place(i, materialIds[i] as number, placed[i]?.polymorphId);
  }

  private place(i: number, materialId: number, polymorphId: number | undefined): void {
    const polymorphSlot = this.at(i, POLYMORPH_SLOT);
    if (polymorphSlot >= 0 !== (polymorphId !== undefined)) {
      throw new Error(
        `entry ${i} of the batch: polymorph ${polymorphId ?? "none"} where the row has ${polymorphSlot >= 0 ? "one" : "none"}`,
      );
    }
    this.entryRows.patchInt4(this.at(i, MATERIAL_SLOT), materialId);
    if (polymorphId !== undefined) this.entryRows.patchInt4(polymorphSlot, polymorphId);
    for (let r = this.at(i, FIRST_PROPERTY); r < this.at(i, END_PROPERTY); r++) {
      this.propertyRows.patchInt4((this.propertyRowAt[r] as number) + PROPERTY_MATERIAL_ID_AT, materialId);
    }
  }

  /** Fills in entry i's id in its entry row. */
  numberEntry(i: number, entryId: number): void {
    this.entryRows.patchInt4(this.at(i, ID_SLOT), entryId);
  }

  /** Fills in entry i's id in its property rows. */
  numberProperties(i: number, entryId: number): void {
    for (let r = this.at(i, FIRST_PROPERTY); r < this.at(i, END_PROPERTY); r++) {
      this.propertyRows.patchInt4((this.propertyRowAt[r] as number) + PROPERTY_ENTRY_ID_AT, entryId);
    }
  }

  /** Copies the entry rows of `entries` (batch indices, ascending) into the store. */
  async copyEntries(manager: EntityManager, entries: readonly number[]): Promise<void> {
    const all = this.complete && entries.length === this.count;
    await this.entryRows.copyInto(manager, "entries", ENTRY_COPY_COLUMNS, all ? undefined : this.entryRanges(entries));
  }

  /** Copies the property rows of `entries` (batch indices, ascending) into the store. */
  async copyProperties(manager: EntityManager, entries: readonly number[]): Promise<void> {
    const all = this.complete && entries.length === this.count;
    await this.propertyRows.copyInto(
      manager,
      "properties",
      PROPERTY_COPY_COLUMNS,
      all ? undefined : this.propertyRanges(entries),
    );
  }

  /** Entry i read back from its rows (the formula is not in them: the caller has it). */
  decode(i: number, formula: string): CanonicalEntry {
    const row = this.entryRows.readRow(this.at(i, ROW_START));
    row.int4(); // id
    const source = row.text() as Source;
    const sourceId = row.text() as string;
    row.int4(); // material id
    const entry: DraftEntry = { source, sourceId, formula, properties: [] };
    const method = row.text();
    const functional = row.text();
    const spacegroupNumber = row.int2();
    const spacegroupSymbol = row.text();
    const lattice = row.float8List();
    const fracCoords = row.float8List();
    const species = row.textList();
    row.int4(); // nsites
    const volume = row.float8();
    const density = row.float8();
    const raw = row.text();
    const sourceUrl = row.text();
    const release = row.text();
    const fetchedAt = row.timestamptz();
    if (method !== undefined) entry.method = method;
    if (functional !== undefined) entry.functional = functional;
    if (spacegroupNumber !== undefined) entry.spacegroupNumber = spacegroupNumber;
    if (spacegroupSymbol !== undefined) entry.spacegroupSymbol = spacegroupSymbol;
    if (lattice && fracCoords && species) {
      entry.structure = {
        lattice: triples(lattice) as [number[], number[], number[]],
        fracCoords: triples(fracCoords),
        species,
      };
    }
    if (volume !== undefined) entry.volumeAngstrom3 = volume;
    if (density !== undefined) entry.densityGPerCm3 = density;
    if (raw !== undefined) entry.raw = rawTextOnly(raw);
    if (sourceUrl !== undefined) entry.sourceUrl = sourceUrl;
    if (release !== undefined) entry.release = release;
    if (fetchedAt !== undefined) entry.fetchedAt = fetchedAt;
    const properties: CanonicalProperty[] = [];
    for (let r = this.at(i, FIRST_PROPERTY); r < this.at(i, END_PROPERTY); r++) {
      properties.push(decodePropertyRow(this.propertyRows.readRow(this.propertyRowAt[r] as number)));
    }
    entry.properties = properties;
    return entry;
  }

  private at(i: number, field: number): number {
    return this.entryAt[STRIDE * i + field] as number;
  }

  /** Byte ranges of the entry rows of `entries` (batch indices, ascending), adjacent rows merged. */
  private entryRanges(entries: readonly number[]): Array<[number, number]> {
    return mergedRanges(entries.map((i) => [this.at(i, ROW_START), this.at(i, ROW_END)]));
  }

  /** Byte ranges of the property rows of `entries` (batch indices, ascending), adjacent rows merged. */
  private propertyRanges(entries: readonly number[]): Array<[number, number]> {
    const ranges: Array<[number, number]> = [];
    for (const i of entries) {
      const first = this.at(i, FIRST_PROPERTY);
      const end = this.at(i, END_PROPERTY);
      if (end === first) continue;
      const to = end < this.propertyRowAt.length ? (this.propertyRowAt[end] as number) : this.propertyRows.offset;
      ranges.push([this.propertyRowAt[first] as number, to]);
    }
    return mergedRanges(ranges);
  }
}

/** [x0, y0, z0, x1, …] as [[x0, y0, z0], [x1, …], …]. */
function triples(values: readonly number[]): number[][] {
  const rows: number[][] = [];
  for (let k = 0; k + 2 < values.length; k += 3)
    rows.push([values[k] as number, values[k + 1] as number, values[k + 2] as number]);
  return rows;
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

function decodePropertyRow(row: BinaryRowReader): CanonicalProperty {
  row.int4(); // entry id
  row.int4(); // material id
  row.text(); // source, the entry's
  const property: DraftProperty = {
    key: row.text() as PropertyKey,
    unit: "",
  };
  const value = row.float8();
  const values = row.float8List();
  property.unit = row.text() as string;
  const sourceValue = row.float8();
  const sourceUnit = row.text();
  const method = row.text();
  const temperatureK = row.float8();
  if (value !== undefined) property.value = value;
  if (values !== undefined) property.values = values;
  if (sourceValue !== undefined) property.sourceValue = sourceValue;
  if (sourceUnit !== undefined) property.sourceUnit = sourceUnit;
  // Written as "" when the property has none (the column is NOT NULL).
  if (method) property.method = method;
  if (temperatureK !== undefined) property.temperatureK = temperatureK;
  return property;
}

export interface PreparedEntries {
  /** The last record of each (source, id), in order; when encoded, read back from their rows on first use. */
  readonly entries: readonly CanonicalEntry[];
  /** How many records the batch was made of, repeats included. */
  readonly recordCount: number;
  readonly materials: readonly MaterialIdentity[];
  readonly fingerprints: ReadonlyArray<string | undefined>;
  /** The COPY rows, when prepared for a store that takes COPY. */
  readonly encoded?: EncodedBatch;
}

/**
 * Builds a batch one entry at a time: its material, its structure's fingerprint and, for a
 * store that takes COPY, its rows. With rows, the batch keeps of each entry only its
 * identity and reads the rest back from the rows when a path needs it (an entry the store
 * holds, a structure not seen before): entries held whole from the read of their record
 * until their batch was written outlived the garbage collector's young generation, and
 * copying and promoting them was most of its work in bench:ingest. The last record of each
 * (source, id) is kept, at the place of its last occurrence.
 */
export class BatchBuilder {
  private readonly entries: CanonicalEntry[] = [];
  private readonly materials: MaterialIdentity[] = [];
  private readonly fingerprints: Array<string | undefined> = [];
  /** Per source, each id's index in `entries` (its last occurrence). */
  private readonly latest = new Map<string, Map<string, number>>();
  private repeats = 0;
  private readonly encoded: EncodedBatch | undefined;
  private readonly fetchedAt = new Date();

  constructor(encode: boolean) {
    this.encoded = encode ? new EncodedBatch() : undefined;
  }

  /** Records added, repeats included. */
  get length(): number {
    return this.entries.length;
  }

  /** Adds an entry; one that cannot be prepared throws and leaves the batch as it was. */
  add(entry: CanonicalEntry): void {
    const material = materialOfFormula(entry.formula);
    const fingerprint = entry.structure ? structureFingerprint(entry.structure) : undefined;
    const index = this.entries.length;
    if (this.encoded) {
      this.encoded.add(entry, fingerprint, this.fetchedAt);
      this.entries.push(new EncodedEntry(entry.source, entry.sourceId, entry.formula, this.encoded, index));
    } else {
      this.entries.push(entry);
    }
    this.materials.push(material);
    this.fingerprints.push(fingerprint);
    let ids = this.latest.get(entry.source);
    if (!ids) this.latest.set(entry.source, (ids = new Map()));
    if (ids.has(entry.sourceId)) this.repeats += 1;
    ids.set(entry.sourceId, index);
  }

  finish(): PreparedEntries {
    const recordCount = this.entries.length;
    if (this.repeats === 0) {
      const { entries, materials, fingerprints, encoded } = this;
      return { entries, recordCount, materials, fingerprints, ...(encoded ? { encoded } : {}) };
    }
    const kept = [...this.latest.values()].flatMap((ids) => [...ids.values()]).sort((a, b) => a - b);
    this.encoded?.select(kept);
    return {
      entries: kept.map((i, k) => {
        const entry = this.entries[i] as CanonicalEntry;
        return entry instanceof EncodedEntry ? entry.renumbered(k) : entry;
      }),
      recordCount,
      materials: kept.map((i) => this.materials[i] as MaterialIdentity),
      fingerprints: kept.map((i) => this.fingerprints[i]),
      ...(this.encoded ? { encoded: this.encoded } : {}),
    };
  }
}

/** An entry of an encoded batch: its identity, and the rest read back from its rows on first use. */
class EncodedEntry implements CanonicalEntry {
  private decoded: CanonicalEntry | undefined;

  constructor(
    readonly source: Source,
    readonly sourceId: string,
    readonly formula: string,
    private readonly batch: EncodedBatch,
    private readonly index: number,
  ) {}

  /** The same entry as number `index` of its batch once repeats have been left out. */
  renumbered(index: number): EncodedEntry {
    return new EncodedEntry(this.source, this.sourceId, this.formula, this.batch, index);
  }

  private get whole(): CanonicalEntry {
    return (this.decoded ??= this.batch.decode(this.index, this.formula));
  }

  get method(): string | undefined {
    return this.whole.method;
  }
  get functional(): string | undefined {
    return this.whole.functional;
  }
  get spacegroupNumber(): number | undefined {
    return this.whole.spacegroupNumber;
  }
  get spacegroupSymbol(): string | undefined {
    return this.whole.spacegroupSymbol;
  }
  get structure(): CanonicalStructure | undefined {
    return this.whole.structure;
  }
  get volumeAngstrom3(): number | undefined {
    return this.whole.volumeAngstrom3;
  }
  get densityGPerCm3(): number | undefined {
    return this.whole.densityGPerCm3;
  }
  get raw(): unknown {
    return this.whole.raw;
  }
  get sourceUrl(): string | undefined {
    return this.whole.sourceUrl;
  }
  get release(): string | undefined {
    return this.whole.release;
  }
  get fetchedAt(): Date | undefined {
    return this.whole.fetchedAt;
  }
  get properties(): readonly CanonicalProperty[] {
    return this.whole.properties;
  }
}

/** A whole list prepared at once; `encode`: with COPY rows (a real PostgreSQL; the embedded store takes statements). */
export function prepareEntries(records: readonly CanonicalEntry[], encode: boolean): PreparedEntries {
  const builder = new BatchBuilder(encode);
  for (const record of records) builder.add(record);
  return builder.finish();
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
