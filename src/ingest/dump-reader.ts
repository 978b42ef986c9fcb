import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { createGunzip, createInflateRaw } from "node:zlib";
import { RecordError } from "./ingest.errors";

/**
 * Streams the records of a JSON dump without holding it: a top-level JSON array (the
 * JARVIS `dft_3d`/`dft_2d` files), an object wrapping one (`{"data": [...]}`), or JSON
 * lines; plain, gzipped, or zipped (first member of the archive). Records are cut out
 * of the byte stream by bracket depth and parsed one at a time, so memory stays at one
 * chunk plus one record whatever the file size.
 */
export interface DumpRecord {
  /** The record's text, parsed lazily by the caller (skipping on resume costs no parse). */
  readonly text: string;
  /** 0-based position of the record in the dump. */
  readonly index: number;
}

export function openDumpFile(file: string): Readable {
  return createReadStream(file);
}

/** Undoes gzip/zip framing by sniffing the first bytes. */
export async function* decodedChunks(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  const iterator = input[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let done = false;
  while (head.length < 64 && !done) {
    const next = await iterator.next();
    if (next.done) done = true;
    else head = Buffer.concat([head, toBuffer(next.value)]);
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield head;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield toBuffer(next.value);
    }
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    yield* Readable.from(rest()).pipe(createGunzip());
  } else if (head.readUInt32LE(0) === 0x04034b50) {
    yield* unzipFirstMember(rest());
  } else {
    yield* rest();
  }
}

/** The first member of a zip archive, read from its local header (deflate or stored). */
async function* unzipFirstMember(chunks: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  let buffer: Buffer = Buffer.alloc(0);
  let iterator = await chunks.next();
  while (buffer.length < 30 || buffer.length < 30 + buffer.readUInt16LE(26) + buffer.readUInt16LE(28)) {
    if (iterator.done) throw new RecordError("zip archive ends inside its first header");
    buffer = Buffer.concat([buffer, iterator.value]);
    iterator = await chunks.next();
    if (iterator.done && buffer.length >= 30) break;
  }
  const method = buffer.readUInt16LE(8);
  const flags = buffer.readUInt16LE(6);
  const compressedSize = buffer.readUInt32LE(18);
  const dataStart = 30 + buffer.readUInt16LE(26) + buffer.readUInt16LE(28);
  const hasSize = (flags & 0x08) === 0 && compressedSize !== 0xffffffff;
  async function* body(): AsyncGenerator<Buffer> {
    let remaining = hasSize ? compressedSize : Infinity;
    let first: Buffer = buffer.subarray(dataStart);
    let next = iterator;
    for (;;) {
      const part = first.length > remaining ? first.subarray(0, remaining) : first;
      remaining -= part.length;
      if (part.length > 0) yield part;
      if (remaining <= 0 || next.done) return;
      first = next.value;
      next = await chunks.next();
    }
  }
  if (method === 0) {
    yield* body();
  } else if (method === 8) {
    const inflate = createInflateRaw();
    // The inflater stops at the end of the deflate stream; what follows (central directory) is ignored.
    yield* Readable.from(body()).pipe(inflate);
  } else {
    throw new RecordError(`zip compression method ${method} is not supported (only stored and deflate)`);
  }
}

/** Splits the decoded bytes into record texts: elements of a top-level array, or JSON lines (one object per line). */
export async function* dumpRecords(input: AsyncIterable<Buffer | string>): AsyncGenerator<DumpRecord> {
  for await (const records of dumpRecordBatches(input)) yield* records;
}

/**
 * dumpRecords, a chunk's records at a time: a step of an async generator costs more than
 * reading a record's boundaries, so a reader of many records takes them in batches.
 */
export async function* dumpRecordBatches(input: AsyncIterable<Buffer | string>): AsyncGenerator<DumpRecord[]> {
  const decoder = new TextDecoder("utf-8");
  const state: ScanState = {
    recordDepth: -1,
    depth: 0,
    inString: false,
    escaped: false,
    inRecord: false,
    recordStart: -1,
  };
  const cuts: number[] = [];
  let parts: string[] = [];
  let index = 0;
  for await (const chunk of decodedChunks(input)) {
    const text = decoder.decode(chunk, { stream: true });
    cuts.length = 0;
    scanChunk(text, state, cuts);
    const records: DumpRecord[] = [];
    for (let c = 0; c < cuts.length; c += 2) {
      const start = cuts[c] as number;
      const end = cuts[c + 1] as number;
      parts.push(text.slice(start < 0 ? 0 : start, end));
      records.push({ text: parts.length === 1 ? (parts[0] as string) : parts.join(""), index });
      index += 1;
      parts = [];
    }
    if (records.length > 0) yield records;
    // A record still open continues in the next chunk (recordStart -1: it covers this whole chunk).
    if (state.inRecord) parts.push(text.slice(Math.max(state.recordStart, 0)));
  }
  if (state.inString || state.inRecord || (state.recordDepth === 1 && state.depth !== 0)) {
    throw new RecordError(`dump ends inside record ${index} (truncated file?)`);
  }
}

interface ScanState {
  /** 1 inside a top-level array, 0 for JSON lines; -1 until the first character decides. */
  recordDepth: number;
  depth: number;
  inString: boolean;
  escaped: boolean;
  inRecord: boolean;
  /** Where the record open at the chunk's end starts in it; -1 when it began in an earlier chunk. */
  recordStart: number;
}

const QUOTE = 34;
const BACKSLASH = 92;

/**
 * Scans one decoded chunk, carrying the state across chunks, and appends the
 * [start, end) offsets of every record that ends in it (start -1: it began in an
 * earlier chunk). A plain function rather than the generator's own loop, and string
 * contents are skipped with indexOf: scanning character by character was the reader's cost.
 */
function scanChunk(text: string, s: ScanState, cuts: number[]): void {
  const n = text.length;
  let start = -1;
  let i = 0;
  while (i < n) {
    if (s.inString) {
      if (s.escaped) {
        s.escaped = false;
        i += 1;
        continue;
      }
      const quote = text.indexOf('"', i);
      const stop = quote < 0 ? n : quote;
      // Backslashes right before the quote (or the chunk's end): an odd run escapes it.
      let run = 0;
      for (let k = stop - 1; k >= i && text.charCodeAt(k) === BACKSLASH; k -= 1) run += 1;
      if (quote < 0) {
        s.escaped = run % 2 === 1;
        break;
      }
      if (run % 2 === 0) s.inString = false;
      i = quote + 1;
      continue;
    }
    const ch = text.charCodeAt(i);
    if (s.recordDepth < 0) {
      if (ch === 32 || ch === 10 || ch === 13 || ch === 9 || ch === 0xfeff) {
        i += 1;
        continue;
      }
      if (ch === 91 /* [ */) {
        s.recordDepth = 1;
        s.depth = 1;
        i += 1;
        continue;
      }
      if (ch !== 123 /* { */) throw new RecordError("a dump must be a JSON array of records or JSON lines");
      s.recordDepth = 0;
    }
    if (ch === QUOTE) {
      s.inString = true;
    } else if (ch === 123 || ch === 91) {
      if (s.depth === s.recordDepth) {
        s.inRecord = true;
        start = i;
      }
      s.depth += 1;
    } else if (ch === 125 /* } */ || ch === 93 /* ] */) {
      s.depth -= 1;
      if (s.depth === s.recordDepth && s.inRecord) {
        cuts.push(start, i + 1);
        s.inRecord = false;
      }
    }
    i += 1;
  }
  s.recordStart = s.inRecord ? start : -1;
}

function toBuffer(chunk: Buffer | string): Buffer {
  return typeof chunk === "string" ? Buffer.from(chunk) : chunk;
}
