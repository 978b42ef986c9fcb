import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { from as copyFrom, type CopyStreamQuery } from "pg-copy-streams";
import type { EntityManager } from "typeorm";

/**
 * Rows sent with `COPY … FROM STDIN (FORMAT binary)`. A real PostgreSQL loads rows this
 * way with no statement per row and several rows per heap write; the binary format
 * carries numbers as their 8 bytes, so neither side prints or parses decimal text
 * (both showed in profiles of the text format) and doubles arrive bit for bit. The
 * embedded store (PGlite behind its socket) does not take COPY FROM STDIN; callers keep
 * their statement path for it.
 *
 * Layout (PostgreSQL manual, "COPY", binary format): a signature and two zero words,
 * then per row a 16-bit field count and per field a 32-bit byte length (-1 for NULL)
 * and the value in its type's send format, then a -1 field count. Values are big-endian.
 */
const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const FLOAT8_OID = 701;
const TEXT_OID = 25;
/** The signature, the flags word and the header-extension length. */
const HEADER_BYTES = SIGNATURE.length + 8;
/** A field count of -1 ends the data. */
const TRAILER = Buffer.from([0xff, 0xff]);
/** PostgreSQL timestamps count microseconds from 2000-01-01 00:00 UTC. */
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);

/**
 * Buffers of rows already sent, for the next rows. A batch's rows take megabytes; fresh
 * ones for every batch (grown by doubling) showed as garbage-collector time in
 * bench:ingest, since large buffers live outside the JavaScript heap and their
 * allocation pushes the collector to run. An ingest has at most two batches in hand.
 */
const spareBuffers: Buffer[] = [];
const SPARE_BUFFERS = 4;

/** Strings up to this length are written byte by byte when they are ASCII (most keys, units, ids). */
const SHORT_TEXT = 64;

/*
 * Numbers are written through a DataView (big-endian is its default): its setters are
 * compiled inline, where Buffer's writeInt32BE/writeDoubleBE are calls that check their
 * arguments; with a dozen numbers per row they showed in ingest profiles. Integers are
 * range-checked here instead, so a value that does not fit fails rather than wraps.
 */
export class BinaryCopyRows {
  private buffer = spareBuffers.pop() ?? Buffer.allocUnsafe(1 << 20);
  private view = viewOf(this.buffer);
  private at = 0;
  private rows = 0;

  constructor(private readonly fieldsPerRow: number) {
    SIGNATURE.copy(this.buffer, 0);
    this.at = SIGNATURE.length;
    this.view.setInt32(this.at, 0); // flags
    this.view.setInt32(this.at + 4, 0); // header extension length
    this.at += 8;
  }

  get length(): number {
    return this.rows;
  }

  /** Starts a row; its fields follow in the table's column order given to copyInto. */
  row(): this {
    this.room(2);
    this.view.setInt16(this.at, this.fieldsPerRow);
    this.at += 2;
    this.rows += 1;
    return this;
  }

  int4(value: number | null | undefined): this {
    if (value === null || value === undefined) return this.nullField();
    if ((value | 0) !== value) throw new RangeError(`${value} is not a 32-bit integer`);
    this.room(8);
    this.view.setInt32(this.at, 4);
    this.view.setInt32(this.at + 4, value);
    this.at += 8;
    return this;
  }

  /**
   * An int4 field whose value is not known yet (an id the database hands out later):
   * returns where its value goes, for patchInt4.
   */
  int4Slot(): number {
    this.room(8);
    this.view.setInt32(this.at, 4);
    this.view.setInt32(this.at + 4, 0);
    this.at += 8;
    return this.at - 4;
  }

  patchInt4(slot: number, value: number): void {
    if ((value | 0) !== value) throw new RangeError(`${value} is not a 32-bit integer`);
    this.view.setInt32(slot, value);
  }

  /** Where the next row starts: row boundaries, for sending only some rows (copyInto's `ranges`). */
  get offset(): number {
    return this.at;
  }

  int2(value: number | null | undefined): this {
    if (value === null || value === undefined) return this.nullField();
    if ((value << 16) >> 16 !== value) throw new RangeError(`${value} is not a 16-bit integer`);
    this.room(6);
    this.view.setInt32(this.at, 2);
    this.view.setInt16(this.at + 4, value);
    this.at += 6;
    return this;
  }

  float8(value: number | null | undefined): this {
    if (value === null || value === undefined) return this.nullField();
    this.room(12);
    this.view.setInt32(this.at, 8);
    this.view.setFloat64(this.at + 4, value);
    this.at += 12;
    return this;
  }

  text(value: string | null | undefined): this {
    if (value === null || value === undefined) return this.nullField();
    const n = value.length;
    if (n <= SHORT_TEXT) {
      this.room(4 + n);
      const buffer = this.buffer;
      const from = this.at + 4;
      for (let i = 0; i < n; i++) {
        const code = value.charCodeAt(i);
        if (code > 127) return this.utf8Text(value);
        buffer[from + i] = code;
      }
      this.view.setInt32(this.at, n);
      this.at = from + n;
      return this;
    }
    return this.utf8Text(value);
  }

  private utf8Text(value: string): this {
    this.room(4 + 3 * value.length); // UTF-8 takes at most 3 bytes per UTF-16 unit
    const bytes = this.buffer.write(value, this.at + 4, "utf8");
    this.view.setInt32(this.at, bytes);
    this.at += 4 + bytes;
    return this;
  }

  /** json's send format is its text (the server checks the syntax). */
  json(jsonText: string | null | undefined): this {
    return this.text(jsonText);
  }

  timestamptz(date: Date): this {
    this.room(12);
    this.view.setInt32(this.at, 8);
    this.view.setBigInt64(this.at + 4, BigInt(Math.round((date.getTime() - POSTGRES_EPOCH_MS) * 1000)));
    this.at += 12;
    return this;
  }

  /** A float8[] of rows of numbers (a lattice, fractional coordinates) flattened in row order. */
  float8Rows(rows: ReadonlyArray<readonly number[]> | null | undefined): this {
    if (rows === null || rows === undefined) return this.nullField();
    // Indexed loops: iterators here allocated per row (allocation profile of bench:ingest).
    let count = 0;
    for (let r = 0; r < rows.length; r++) count += (rows[r] as readonly number[]).length;
    this.room(4 + 20 + 12 * count);
    const start = this.arrayHeader(FLOAT8_OID, count);
    const view = this.view;
    let at = this.at;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as readonly number[];
      for (let k = 0; k < row.length; k++) {
        view.setInt32(at, 8);
        view.setFloat64(at + 4, row[k] as number);
        at += 12;
      }
    }
    this.at = at;
    view.setInt32(start, at - start - 4);
    return this;
  }

  float8Array(values: readonly number[] | null | undefined): this {
    return values === null || values === undefined ? this.nullField() : this.float8Rows([values]);
  }

  textArray(values: readonly string[] | null | undefined): this {
    if (values === null || values === undefined) return this.nullField();
    this.room(4 + 20);
    const start = this.arrayHeader(TEXT_OID, values.length);
    for (const v of values) this.text(v);
    this.view.setInt32(start, this.at - start - 4);
    return this;
  }

  /** Drops what was written after `offset`, where the rows numbered `rows` ended (an entry that failed midway). */
  truncate(offset: number, rows: number): void {
    if (offset < HEADER_BYTES || offset > this.at || rows > this.rows)
      throw new RangeError(`cannot truncate to byte ${offset}`);
    this.at = offset;
    this.rows = rows;
  }

  /** Reads back the row that starts at `offset` (see BinaryRowReader). */
  readRow(offset: number): BinaryRowReader {
    if (offset < HEADER_BYTES || offset >= this.at) throw new RangeError(`no row starts at byte ${offset}`);
    return new BinaryRowReader(this.buffer, this.view, offset);
  }

  /**
   * Sends the rows into `table (columns)` on the transaction's own connection: all of
   * them, or only the rows within `ranges` (byte ranges [start, end) on row boundaries,
   * from `offset`).
   */
  async copyInto(
    manager: EntityManager,
    table: string,
    columns: readonly string[],
    ranges?: ReadonlyArray<readonly [number, number]>,
  ): Promise<void> {
    if (this.rows === 0 || ranges?.length === 0) return;
    if (columns.length !== this.fieldsPerRow) throw new Error(`COPY ${table}: ${columns.length} columns named`);
    const runner = manager.queryRunner;
    if (!runner) throw new Error("COPY needs a transaction's query runner");
    const chunks = ranges
      ? [this.buffer.subarray(0, HEADER_BYTES), ...ranges.map(([from, to]) => this.buffer.subarray(from, to)), TRAILER]
      : [this.buffer.subarray(0, this.at), TRAILER];
    const client = (await runner.connect()) as { query(query: CopyStreamQuery): CopyStreamQuery };
    const stream = client.query(copyFrom(`COPY ${table} (${columns.join(", ")}) FROM STDIN (FORMAT binary)`));
    await pipeline(Readable.from(chunks), stream);
  }

  /**
   * Hands the buffer on to later rows; call it once these rows have been sent (copyInto
   * has returned), never while they may still be read.
   */
  release(): void {
    if (spareBuffers.length < SPARE_BUFFERS) spareBuffers.push(this.buffer);
    this.buffer = Buffer.alloc(0);
    this.view = viewOf(this.buffer);
    this.at = 0;
    this.rows = 0;
  }

  /** A one-dimensional array's header, after a length word filled in once its elements are written. */
  private arrayHeader(elementOid: number, count: number): number {
    const start = this.at;
    this.view.setInt32(start + 4, 1); // dimensions
    this.view.setInt32(start + 8, 0); // flags (the elements' own -1 lengths mark NULLs)
    this.view.setInt32(start + 12, elementOid);
    this.view.setInt32(start + 16, count);
    this.view.setInt32(start + 20, 1); // lower bound
    this.at += 24;
    return start;
  }

  private nullField(): this {
    this.room(4);
    this.view.setInt32(this.at, -1);
    this.at += 4;
    return this;
  }

  /** Grows the buffer (doubling) so that `bytes` more fit. */
  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    let size = Math.max(this.buffer.length * 2, 1 << 16);
    while (size < this.at + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
    this.view = viewOf(grown);
  }
}

function viewOf(buffer: Buffer): DataView {
  return new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
}

/**
 * Reads the fields of one row written by BinaryCopyRows, in order, with the writer's types;
 * a NULL field reads as undefined. For rows kept as their COPY bytes only: a batch that
 * has to be written some other way reads its entries back from them.
 */
export class BinaryRowReader {
  private at: number;

  constructor(
    private readonly buffer: Buffer,
    private readonly view: DataView,
    rowStart: number,
  ) {
    this.at = rowStart + 2; // past the field count
  }

  int4(): number | undefined {
    return this.field(4, (at) => this.view.getInt32(at));
  }

  int2(): number | undefined {
    return this.field(2, (at) => this.view.getInt16(at));
  }

  float8(): number | undefined {
    return this.field(8, (at) => this.view.getFloat64(at));
  }

  text(): string | undefined {
    const length = this.view.getInt32(this.at);
    this.at += 4;
    if (length < 0) return undefined;
    const value = this.buffer.toString("utf8", this.at, this.at + length);
    this.at += length;
    return value;
  }

  timestamptz(): Date | undefined {
    return this.field(8, (at) => new Date(POSTGRES_EPOCH_MS + Number(this.view.getBigInt64(at)) / 1000));
  }

  /** A one-dimensional float8[] (as float8Rows and float8Array write it). */
  float8List(): number[] | undefined {
    return this.array(() => this.float8() as number);
  }

  textList(): string[] | undefined {
    return this.array(() => this.text() as string);
  }

  private array<T>(element: () => T): T[] | undefined {
    const length = this.view.getInt32(this.at);
    if (length < 0) {
      this.at += 4;
      return undefined;
    }
    const dimensions = this.view.getInt32(this.at + 4);
    const count = dimensions === 0 ? 0 : this.view.getInt32(this.at + 16);
    this.at += dimensions === 0 ? 16 : 24;
    const values: T[] = [];
    for (let i = 0; i < count; i++) values.push(element());
    return values;
  }

  private field<T>(bytes: number, read: (at: number) => T): T | undefined {
    const length = this.view.getInt32(this.at);
    this.at += 4;
    if (length < 0) return undefined;
    if (length !== bytes) throw new Error(`a field of ${length} bytes where ${bytes} were written`);
    const value = read(this.at);
    this.at += length;
    return value;
  }
}
