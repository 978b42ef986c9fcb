import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { deflateRawSync, gzipSync, crc32 } from "node:zlib";

/**
 * A real HTTP server on loopback that replays recorded source responses (the records
 * in the shared fixtures) through each source's documented paging, with faults
 * injected on request. Record sets are lazy (`count` + `at(i)`), so a benchmark can
 * replay hundreds of thousands of records without building them all.
 *
 * Routes: OQMD `/oqmdapi/formationenergy` (limit/offset, links.next), MP
 * `/materials/summary/` (_skip/_limit, meta.total_doc), AFLOW `/API/aflux/?…$paging(n,m)`
 * (old "i of N" keyed pages) and `/AFLOWDATA/<path>/?format=json`, OPTIMADE
 * `/<db>/optimade/v1/structures` (page_offset/page_limit, links.next), JARVIS
 * `/jarvis/<name>.json` and `.json.zip` / `.json.gz` dumps.
 */
export interface RecordSet {
  readonly count: number;
  at(index: number): unknown;
}

export function fromArray(records: readonly unknown[]): RecordSet {
  return { count: records.length, at: (i) => records[i] };
}

/** bad-gzip: a complete response whose gzip stream stops halfway (a proxy that cut the body and fixed the length). */
export type FaultKind = "429" | "500" | "reset" | "truncate" | "bad-json" | "bad-gzip";

export interface Fault {
  readonly kind: FaultKind;
  /** Seconds, for 429. */
  readonly retryAfter?: number;
}

interface ArmedFault {
  readonly match: (pathAndQuery: string) => boolean;
  readonly fault: Fault;
  remaining: number;
}

export interface ReplayData {
  oqmd: RecordSet;
  oqmdMeta: Record<string, unknown>;
  mp: RecordSet;
  mpMeta: Record<string, unknown>;
  aflux: RecordSet;
  aflowEntries: Map<string, unknown>;
  optimade: Map<string, { records: RecordSet; meta: Record<string, unknown> }>;
  jarvis: Map<string, RecordSet>;
}

export interface ReplayServer {
  readonly url: string;
  readonly data: ReplayData;
  /** Every request's path and query, in order. */
  readonly requests: string[];
  /** Request headers of every request, in order. */
  readonly headers: http.IncomingHttpHeaders[];
  /** Applies `fault` to the next `times` requests whose path and query satisfy `match` (Infinity: until cleared). */
  inject(match: (pathAndQuery: string) => boolean, fault: Fault, times?: number): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export interface ReplayServerOptions {
  /**
   * Build each response body once and serve it again from memory (gzip included), as a
   * mirror of static files would. For benchmarks: the server stands in for a remote one,
   * whose CPU is not the client's; warmed before the clock starts, it then only sends
   * bytes. Faulted responses are never cached.
   */
  readonly cacheBodies?: boolean;
}

const MAX_PAGE = 5000;

export function emptyData(): ReplayData {
  return {
    oqmd: fromArray([]),
    oqmdMeta: {},
    mp: fromArray([]),
    mpMeta: {},
    aflux: fromArray([]),
    aflowEntries: new Map(),
    optimade: new Map(),
    jarvis: new Map(),
  };
}

export async function startReplayServer(
  data: ReplayData = emptyData(),
  options: ReplayServerOptions = {},
): Promise<ReplayServer> {
  const faults: ArmedFault[] = [];
  const cache = options.cacheBodies ? new BodyCache() : undefined;
  const requests: string[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  let base = "";

  const server = http.createServer((req, res) => {
    const pathAndQuery = req.url ?? "/";
    requests.push(pathAndQuery);
    headers.push(req.headers);
    const armed = faults.find((f) => f.remaining > 0 && f.match(pathAndQuery));
    if (armed) armed.remaining -= 1;
    try {
      const body =
        cache && !armed
          ? cache.body(pathAndQuery, () => route(data, base, pathAndQuery))
          : route(data, base, pathAndQuery);
      if (!body) {
        res
          .writeHead(404, { "content-type": "application/json" })
          .end(JSON.stringify({ errors: [{ detail: "no route" }] }));
        return;
      }
      respond(req, res, body, armed?.fault, cache);
    } catch (error) {
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: String(error) }));
    }
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    data,
    requests,
    headers,
    inject(match, fault, times = 1) {
      faults.push({ match, fault, remaining: times });
    },
    clearFaults() {
      faults.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Body {
  readonly contentType: string;
  /** Whole body, or a chunk generator for dumps. */
  readonly content: Buffer | (() => Iterable<Buffer>);
}

/** Bodies built once: whole ones with their gzip, streamed dumps as their list of chunks. */
class BodyCache {
  private readonly bodies = new Map<string, Body | undefined>();
  private readonly gzipped = new WeakMap<Buffer, Buffer>();

  body(pathAndQuery: string, build: () => Body | undefined): Body | undefined {
    if (this.bodies.has(pathAndQuery)) return this.bodies.get(pathAndQuery);
    const built = build();
    let body = built;
    if (built && typeof built.content === "function") {
      const chunks = [...built.content()];
      body = { contentType: built.contentType, content: () => chunks };
    }
    this.bodies.set(pathAndQuery, body);
    return body;
  }

  gzip(content: Buffer): Buffer {
    let zipped = this.gzipped.get(content);
    if (!zipped) this.gzipped.set(content, (zipped = gzipLevel1(content)));
    return zipped;
  }
}

/** Level 1, as web servers compress on the fly by default (nginx gzip_comp_level 1). */
function gzipLevel1(content: Buffer): Buffer {
  return gzipSync(content, { level: 1 });
}

function respond(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: Body,
  fault: Fault | undefined,
  cache: BodyCache | undefined,
): void {
  if (fault?.kind === "reset") {
    req.socket.destroy();
    return;
  }
  if (fault?.kind === "429") {
    res.writeHead(429, { "retry-after": String(fault.retryAfter ?? 1), "content-type": "application/json" });
    res.end(JSON.stringify({ detail: "Too Many Requests" }));
    return;
  }
  if (fault?.kind === "500") {
    res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ detail: "Internal Server Error" }));
    return;
  }
  if (typeof body.content === "function") {
    res.writeHead(200, { "content-type": body.contentType });
    // Streamed with backpressure: a dump of any size costs the server one chunk at a time.
    Readable.from(body.content()).pipe(res);
    return;
  }
  let content = body.content;
  if (fault?.kind === "truncate") {
    // Promise the whole body, send half, hang up: what a dropped connection looks like.
    res.writeHead(200, { "content-type": body.contentType, "content-length": String(content.length) });
    res.write(content.subarray(0, Math.floor(content.length / 2)), () => req.socket.destroy());
    return;
  }
  if (fault?.kind === "bad-json") content = content.subarray(0, Math.floor(content.length / 2));
  const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? "")) && content.length > 1024;
  if (gzip) content = cache && !fault ? cache.gzip(content) : gzipLevel1(content);
  if (gzip && fault?.kind === "bad-gzip") content = content.subarray(0, Math.floor(content.length / 2));
  res.writeHead(200, {
    "content-type": body.contentType,
    "content-length": String(content.length),
    ...(gzip ? { "content-encoding": "gzip" } : {}),
  });
  res.end(content);
}

function json(value: unknown): Body {
  return { contentType: "application/json", content: Buffer.from(JSON.stringify(value)) };
}

function slice(set: RecordSet, offset: number, limit: number): unknown[] {
  const out: unknown[] = [];
  for (let i = offset; i < Math.min(set.count, offset + limit); i += 1) out.push(set.at(i));
  return out;
}

function route(data: ReplayData, base: string, pathAndQuery: string): Body | undefined {
  const url = new URL(pathAndQuery, base);
  const p = url.pathname;
  const q = url.searchParams;

  if (p === "/oqmdapi/formationenergy" || p === "/oqmdapi/formationenergy/") {
    const limit = Math.min(MAX_PAGE, Number(q.get("limit") ?? 50));
    const offset = Number(q.get("offset") ?? 0);
    const records = slice(data.oqmd, offset, limit);
    const more = offset + records.length < data.oqmd.count;
    const next = new URL(url);
    next.searchParams.set("offset", String(offset + limit));
    // The envelope of the recorded docs example (oqmdapi_formationenergy_docs_example_AlFeO.json).
    return json({
      links: {
        next: more ? next.toString() : null,
        previous: null,
        base_url: { href: `${base}/oqmdapi`, meta: { _oqmd_version: "1.0" } },
      },
      resource: {},
      data: records,
      meta: {
        query: { representation: pathAndQuery },
        api_version: "1.0",
        time_stamp: "2019-10-08 15:13:12",
        data_returned: records.length,
        data_available: data.oqmd.count,
        more_data_available: more,
        ...data.oqmdMeta,
      },
      response_message: "OK",
    });
  }

  if (p === "/materials/summary/" || p === "/materials/summary") {
    const limit = Math.min(MAX_PAGE, Number(q.get("_limit") ?? 10));
    const skip = Number(q.get("_skip") ?? 0);
    return json({
      data: slice(data.mp, skip, limit),
      meta: { max_limit: 1000, default_fields: ["material_id"], total_doc: data.mp.count, ...data.mpMeta },
    });
  }

  if (p === "/API/aflux/" || p === "/API/aflux") {
    const matchbook = decodeURIComponent(url.search.slice(1));
    const paging = /\$paging\((\d+)(?:,(\d+))?\)/.exec(matchbook);
    const page = Number(paging?.[1] ?? 1);
    const size = Math.min(MAX_PAGE, Number(paging?.[2] ?? 64));
    const offset = (page - 1) * size;
    const records = slice(data.aflux, offset, size);
    // The old AFLUX response shape, as recorded (aflux_egap_tc300K_page1.json): keys "i of N".
    const keyed: Record<string, unknown> = {};
    records.forEach((r, i) => (keyed[`${offset + i + 1} of ${data.aflux.count}`] = r));
    return json(keyed);
  }

  if (p.startsWith("/AFLOWDATA/")) {
    const entryPath = p.replace(/^\//, "").replace(/\/+$/, "");
    const entry = data.aflowEntries.get(entryPath);
    return entry === undefined ? undefined : json(entry);
  }

  const optimade = /^\/(.+)\/optimade\/(?:v1\/)?structures\/?$/.exec(p);
  if (optimade) {
    const db = data.optimade.get(optimade[1] as string);
    if (!db) return undefined;
    const limit = Math.min(MAX_PAGE, Number(q.get("page_limit") ?? 15));
    const offset = Number(q.get("page_offset") ?? 0);
    const records = slice(db.records, offset, limit);
    const more = offset + records.length < db.records.count;
    const next = new URL(url);
    next.searchParams.set("page_offset", String(offset + limit));
    return json({
      data: records,
      meta: { ...db.meta, data_returned: db.records.count, more_data_available: more },
      links: { next: more ? next.toString() : null },
    });
  }

  const jarvis = /^\/jarvis\/(.+?)\.json(\.zip|\.gz)?$/.exec(p);
  if (jarvis) {
    const set = data.jarvis.get(jarvis[1] as string);
    if (!set) return undefined;
    const packing = jarvis[2];
    if (!packing) return { contentType: "application/json", content: () => jsonArrayChunks(set) };
    const whole = Buffer.concat([...jsonArrayChunks(set)]);
    return {
      contentType: "application/octet-stream",
      content: packing === ".gz" ? gzipSync(whole) : zipOne(`${jarvis[1]}.json`, whole),
    };
  }
  return undefined;
}

/** A JSON array written record by record, in ~64 kB chunks. */
export function* jsonArrayChunks(set: RecordSet): Generator<Buffer> {
  let parts: string[] = ["["];
  let size = 1;
  for (let i = 0; i < set.count; i += 1) {
    const text = (i > 0 ? "," : "") + JSON.stringify(set.at(i));
    parts.push(text);
    size += text.length;
    if (size > 65536) {
      yield Buffer.from(parts.join(""));
      parts = [];
      size = 0;
    }
  }
  parts.push("]");
  yield Buffer.from(parts.join(""));
}

/** A zip archive of one deflated member, as figshare serves the JARVIS dumps. */
export function zipOne(name: string, content: Buffer): Buffer {
  const deflated = deflateRawSync(content);
  const nameBytes = Buffer.from(name);
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0, 6);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(deflated.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(deflated.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + nameBytes.length, 12);
  end.writeUInt32LE(30 + nameBytes.length + deflated.length, 16);
  return Buffer.concat([local, nameBytes, deflated, central, nameBytes, end]);
}

/** Records of a recorded response: a bare list, `{data: [...]}`, or AFLUX's "i of N" keyed object. */
export function recordsOf(file: string): unknown[] {
  const body = JSON.parse(readFileSync(file, "utf8")) as unknown;
  if (Array.isArray(body)) return body;
  const obj = body as Record<string, unknown>;
  if (Array.isArray(obj["data"])) return obj["data"];
  if (obj["data"] && typeof obj["data"] === "object") return [obj["data"]];
  const keys = Object.keys(obj);
  if (keys.length > 0 && keys.every((k) => /^\d+ of \d+$/.test(k))) return keys.map((k) => obj[k]);
  return [body];
}
