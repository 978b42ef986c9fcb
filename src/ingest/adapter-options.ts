import path from "node:path";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { HttpClient, type HttpClientOptions } from "./http-client";
import { UnparsedRecord } from "../services/ingest-raw-text";
import { dumpRecordBatches, openDumpFile } from "./dump-reader";
import type { Cursor, SourcePage } from "./source-adapter";

/** What every adapter factory takes; each uses the parts that apply to it. */
export interface AdapterOptions {
  /** Scheme and host (plus path prefix, for OPTIMADE) the source's usual paths hang under. */
  readonly baseUrl?: string;
  /** Read a dump (JSON array or JSON lines; plain, .gz or .zip; a path or an http(s) URL) instead of the API. */
  readonly file?: string;
  /** The source's own filter language (see each adapter). */
  readonly filter?: string;
  /** Records per page asked of the server (and per page of a dump, DUMP_PAGE_SIZE unless given). */
  readonly pageSize?: number;
  /** Materials Project API key, sent as X-API-KEY. */
  readonly apiKey?: string;
  /** AFLOW: fetch each entry's aflowlib.json when the AFLUX record lacks its structure. */
  readonly entryDetails?: boolean;
  /** Overrides of the HTTP client's defaults (timeouts, retries, rate limit). */
  readonly http?: Partial<Omit<HttpClientOptions, "baseUrl" | "secretHeaders">>;
}

/** Per-source politeness defaults; a mirror or test passes its own through `http`. */
export function httpClientFor(
  baseUrl: string,
  defaults: Partial<HttpClientOptions>,
  options: AdapterOptions,
  secretHeaders?: Record<string, string>,
): HttpClient {
  return new HttpClient({ ...defaults, ...options.http, baseUrl, ...(secretHeaders ? { secretHeaders } : {}) });
}

export function isUrl(target: string): boolean {
  return /^https?:\/\//i.test(target);
}

/** A dump's name without directories and compression suffixes (e.g. "dft_3d_2021"), used as its release. */
export function dumpName(target: string): string {
  const base = isUrl(target) ? (new URL(target).pathname.split("/").pop() ?? target) : path.basename(target);
  return base.replace(/(\.json|\.jsonl|\.ndjson)?(\.gz|\.zip)?$/i, "") || base;
}

/**
 * The first page of a listing is this short where the adapter can choose (a dump, an
 * API that pages by offset): the pipeline writes a run's first page alone, so that the
 * database starts on it while the rest is read, instead of waiting for a whole batch.
 */
export const FIRST_PAGE_SIZE = 250;

/** The size of a fresh listing's first page, for a listing of pages of `pageSize`. */
export function firstPageSize(pageSize: number): number {
  return Math.min(pageSize, FIRST_PAGE_SIZE);
}

/**
 * Records per page of a dump unless asked otherwise. A dump's page costs no request: it is
 * the unit of checkpoints and of reading ahead (the pipeline reads the next page while it
 * normalises this one), and a page's record texts live until they are normalised. Pages of
 * 2000 outlived the garbage collector's young generation, which then copied and promoted them.
 */
export const DUMP_PAGE_SIZE = 250;

/**
 * Pages of a dump (the first FIRST_PAGE_SIZE records at most). The cursor is the number
 * of records already consumed: a resume re-reads the dump and skips that many records
 * without parsing them.
 */
export async function* dumpPages(
  file: string,
  client: HttpClient | undefined,
  from: Cursor | null,
  pageSize: number,
  release: string | undefined,
  signal?: AbortSignal,
): AsyncGenerator<SourcePage> {
  const skip = from !== null && typeof from === "object" && typeof from["offset"] === "number" ? from["offset"] : 0;
  const stream = isUrl(file)
    ? await (client ?? new HttpClient({ baseUrl: new URL(file).origin })).getStream(file, signal)
    : openDumpFile(file);
  let records: unknown[] = [];
  let consumed = skip;
  let size = firstPageSize(pageSize);
  try {
    for await (const batch of dumpRecordBatches(stream)) {
      // Chunks already received are read without a turn of the event loop in between, and a
      // page's worth takes milliseconds: the ingest writer's replies would wait for all of it.
      await yieldToEventLoop();
      for (const record of batch) {
        if (record.index < skip) continue;
        // Parsed as it is normalised; the writer stores this text as the raw payload as it is.
        records.push(new UnparsedRecord(record.text));
        consumed = record.index + 1;
        if (records.length >= size) {
          const page: SourcePage = { records, next: { offset: consumed }, ...(release ? { release } : {}) };
          records = [];
          size = pageSize;
          yield page;
        }
      }
    }
  } finally {
    stream.destroy();
  }
  yield { records, next: null, ...(release ? { release } : {}) };
}

/** `a=1&b=x,y` into query parameters (the MP and OQMD filters take this form). */
export function queryParams(filter: string | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  if (!filter) return params;
  for (const part of filter.split("&")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    params[decodeURIComponent(part.slice(0, eq).trim())] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return params;
}
