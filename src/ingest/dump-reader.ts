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
  const decoder = new TextDecoder("utf-8");
  let recordDepth = -1; // 1 inside a top-level array, 0 for JSON lines; -1 until the first character decides
  let depth = 0;
  let inString = false;
  let escaped = false;
  let inRecord = false;
  let parts: string[] = [];
  let index = 0;
  for await (const chunk of decodedChunks(input)) {
    const text = decoder.decode(chunk, { stream: true });
    let start = inRecord ? 0 : -1;
    for (let i = 0; i < text.length; i += 1) {
      const ch = text.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === 92 /* \ */) escaped = true;
        else if (ch === 34 /* " */) inString = false;
        continue;
      }
      if (recordDepth < 0) {
        if (ch === 32 || ch === 10 || ch === 13 || ch === 9 || ch === 0xfeff) continue;
        if (ch === 91 /* [ */) {
          recordDepth = 1;
          depth = 1;
          continue;
        }
        if (ch !== 123 /* { */) throw new RecordError("a dump must be a JSON array of records or JSON lines");
        recordDepth = 0;
      }
      if (ch === 34) {
        inString = true;
      } else if (ch === 123 || ch === 91) {
        if (depth === recordDepth) {
          inRecord = true;
          start = i;
        }
        depth += 1;
      } else if (ch === 125 /* } */ || ch === 93 /* ] */) {
        depth -= 1;
        if (depth === recordDepth && inRecord) {
          parts.push(text.slice(start, i + 1));
          yield { text: parts.join(""), index };
          index += 1;
          parts = [];
          inRecord = false;
          start = -1;
        }
      }
    }
    if (inRecord) parts.push(text.slice(start));
  }
  if (inString || inRecord || (recordDepth === 1 && depth !== 0)) {
    throw new RecordError(`dump ends inside record ${index} (truncated file?)`);
  }
}

function toBuffer(chunk: Buffer | string): Buffer {
  return typeof chunk === "string" ? Buffer.from(chunk) : chunk;
}
