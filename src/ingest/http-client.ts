import http from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import { promisify } from "node:util";
import { brotliDecompress, inflateRaw, unzip } from "node:zlib";
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import { FetchError, IngestAbortedError } from "./ingest.errors";
import { splitArrayField } from "./json-array-texts";

/**
 * The one HTTP client of the ingest layer (axios underneath). Per instance (one per
 * source): at most `concurrency` requests in flight and at most `requestsPerSecond`
 * started; timeouts; retries with exponential backoff and full jitter on network
 * errors, 5xx and bodies that do not parse (truncated); `Retry-After` honoured on
 * 429; gzip/deflate accepted. Secret headers (API keys) are sent but never appear in
 * errors or logs: messages name the method and URL only.
 *
 * Times are milliseconds unless a name says otherwise.
 */
export interface HttpClientOptions {
  /** Scheme and host (and optional path prefix) relative paths hang under. */
  readonly baseUrl: string;
  readonly userAgent?: string;
  readonly timeoutMs?: number;
  /** Retries after the first attempt. */
  readonly maxRetries?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Longest `Retry-After` obeyed; a server asking for more fails the request. */
  readonly maxRetryAfterMs?: number;
  readonly concurrency?: number;
  readonly requestsPerSecond?: number;
  /** Sent with every request and never logged (e.g. X-API-KEY). */
  readonly secretHeaders?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Called before each retry; tests and the CLI use it to report, never with secrets. */
  readonly onRetry?: (event: RetryEvent) => void;
  /** Injectable for tests. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

export interface RetryEvent {
  readonly url: string;
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: string;
}

export const USER_AGENT = "MatGraph-ingest/0.1 (+https://github.com/matgraph; materials data platform)";

const RETRYABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
  "ERR_BAD_RESPONSE",
  "ECANCELED",
]);

export class HttpClient {
  private readonly axios: AxiosInstance;
  private readonly maxRetries: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly concurrency: number;
  private readonly minIntervalMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private nextStartAt = 0;
  /** Requests sent, retries included; for tests and progress reports. */
  requests = 0;
  retries = 0;

  constructor(readonly options: HttpClientOptions) {
    this.maxRetries = options.maxRetries ?? 5;
    this.backoffBaseMs = options.backoffBaseMs ?? 500;
    this.backoffMaxMs = options.backoffMaxMs ?? 30_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.minIntervalMs = options.requestsPerSecond ? 1000 / options.requestsPerSecond : 0;
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
    this.axios = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, "") + "/",
      timeout: options.timeoutMs ?? 60_000,
      decompress: true,
      maxRedirects: 5,
      // Status handling is ours: retry 429/5xx, fail other 4xx with a clean message.
      validateStatus: () => true,
      headers: {
        "User-Agent": options.userAgent ?? USER_AGENT,
        "Accept-Encoding": "gzip, deflate",
        ...options.headers,
        ...options.secretHeaders,
      },
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: this.concurrency }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: this.concurrency }),
    });
  }

  /** GET a JSON document. `pathOrUrl` is relative to the base URL or absolute (a `links.next`). */
  async getJson(
    pathOrUrl: string,
    params?: Readonly<Record<string, string | number>>,
    signal?: AbortSignal,
  ): Promise<unknown> {
    return this.request<string, unknown>(pathOrUrl, params, "text", signal, (res) =>
      parsedOrRetry(() => JSON.parse(res.data) as unknown),
    );
  }

  /**
   * GET a JSON document whose top-level `field` lists records, left as their texts (see
   * splitArrayField) to be parsed one by one as they are normalised. `texts` is undefined
   * when the field is not a list of objects; `document` is then the whole document parsed.
   */
  async getJsonRecordTexts(
    pathOrUrl: string,
    field: string,
    params?: Readonly<Record<string, string | number>>,
    signal?: AbortSignal,
  ): Promise<{ readonly document: unknown; readonly texts?: readonly string[] }> {
    return this.request<string, { document: unknown; texts?: readonly string[] }>(
      pathOrUrl,
      params,
      "text",
      signal,
      (res) => {
        const split = splitArrayField(res.data, field);
        if (split) return { value: { document: split.rest, texts: split.texts } };
        return parsedOrRetry(() => ({ document: JSON.parse(res.data) as unknown }));
      },
    );
  }

  /** GET a body as a stream (dumps). Retries cover getting the response; the stream itself is the caller's. */
  async getStream(pathOrUrl: string, signal?: AbortSignal): Promise<Readable> {
    return this.request<Readable, Readable>(pathOrUrl, undefined, "stream", signal, (res) => ({ value: res.data }));
  }

  resolve(pathOrUrl: string): string {
    return new URL(pathOrUrl.replace(/^\/+/, ""), this.axios.defaults.baseURL).toString();
  }

  private async request<T, R = unknown>(
    pathOrUrl: string,
    params: Readonly<Record<string, string | number>> | undefined,
    responseType: "text" | "stream",
    signal: AbortSignal | undefined,
    accept: (res: AxiosResponse<T>) => { value: R } | { retry: string },
  ): Promise<R> {
    const url = this.resolve(pathOrUrl);
    const label = `GET ${redactUrl(url)}`;
    for (let attempt = 0; ; attempt += 1) {
      if (signal?.aborted) throw new IngestAbortedError();
      let reason: string;
      let retryAfterMs: number | undefined;
      let status: number | undefined;
      await this.acquire(signal);
      try {
        this.requests += 1;
        const res = await this.axios.get<T>(url, {
          params,
          // A document arrives whole and is decompressed in one call: axios's streamed
          // decompression and text decoding cost a third more CPU (bench:ingest pages of 1.5 MB).
          responseType: responseType === "text" ? "arraybuffer" : "stream",
          decompress: responseType !== "text",
          signal,
          // Axios would otherwise try to JSON.parse "text" responses itself.
          transformResponse: (data: unknown) => data,
        });
        status = res.status;
        if (res.status >= 200 && res.status < 300) {
          const body = responseType === "text" ? await bodyText(res as AxiosResponse<unknown>) : undefined;
          const outcome =
            body === undefined ? accept(res) : "retry" in body ? body : accept({ ...res, data: body.text as T });
          if ("value" in outcome) return outcome.value;
          reason = outcome.retry;
        } else {
          if (responseType === "stream") (res.data as unknown as Readable).destroy();
          if (res.status === 429) {
            retryAfterMs = parseRetryAfter(res.headers["retry-after"]);
            reason = `429 Too Many Requests${retryAfterMs !== undefined ? ` (Retry-After ${retryAfterMs} ms)` : ""}`;
            if (retryAfterMs !== undefined && retryAfterMs > this.maxRetryAfterMs) {
              throw new FetchError(`${label}: server asked to wait ${retryAfterMs} ms, more than allowed`, 429);
            }
          } else if (res.status >= 500) {
            reason = `HTTP ${res.status}`;
          } else {
            throw new FetchError(`${label}: HTTP ${res.status}${statusHint(res.status)}`, res.status);
          }
        }
      } catch (error) {
        if (error instanceof FetchError) throw error;
        if (signal?.aborted) throw new IngestAbortedError();
        const code = (error as { code?: string }).code;
        if (!code || !RETRYABLE_CODES.has(code)) {
          throw new FetchError(`${label}: ${(error as Error).message}`, status, { cause: scrub(error) });
        }
        reason = `${code}: ${(error as Error).message}`;
      } finally {
        this.release();
      }
      if (attempt >= this.maxRetries) {
        throw new FetchError(`${label}: gave up after ${attempt + 1} attempts (${reason})`, status);
      }
      const backoff = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** attempt) * this.random();
      const delayMs = Math.max(retryAfterMs ?? 0, backoff);
      this.retries += 1;
      this.options.onRetry?.({ url: redactUrl(url), attempt: attempt + 1, delayMs, reason });
      await this.sleep(delayMs, signal);
    }
  }

  private async acquire(signal?: AbortSignal): Promise<void> {
    while (this.inFlight >= this.concurrency) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.inFlight += 1;
    if (this.minIntervalMs > 0) {
      const now = Date.now();
      const startAt = Math.max(now, this.nextStartAt);
      this.nextStartAt = startAt + this.minIntervalMs;
      if (startAt > now) await this.sleep(startAt - now, signal);
    }
  }

  private release(): void {
    this.inFlight -= 1;
    this.waiting.shift()?.();
  }
}

/** A 200 whose body does not parse was cut off on the way: worth another try. */
function parsedOrRetry<T>(parse: () => T): { value: T } | { retry: string } {
  try {
    return { value: parse() };
  } catch (error) {
    return { retry: `body is not valid JSON (${(error as Error).message.slice(0, 80)})` };
  }
}

const unzipped = promisify(unzip);
const inflatedRaw = promisify(inflateRaw);
const brotliDecompressed = promisify(brotliDecompress);

/**
 * A whole response body as text, decompressed as its Content-Encoding says (a body cut
 * short is worth another try), in one call on libuv's thread pool: a page of a few MB
 * takes milliseconds to inflate, which would otherwise hold up the database replies the
 * ingest run's writer waits for on this thread.
 */
async function bodyText(res: AxiosResponse<unknown>): Promise<{ text: string } | { retry: string }> {
  const data = res.data;
  let bytes = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
  const encoding = String(res.headers["content-encoding"] ?? "")
    .trim()
    .toLowerCase();
  try {
    // unzip takes gzip and zlib streams alike; some servers send "deflate" without the zlib header.
    if (["gzip", "x-gzip", "compress", "x-compress"].includes(encoding)) bytes = await unzipped(bytes);
    else if (encoding === "deflate") bytes = hasZlibHeader(bytes) ? await unzipped(bytes) : await inflatedRaw(bytes);
    else if (encoding === "br") bytes = await brotliDecompressed(bytes);
  } catch (error) {
    return { retry: `${encoding} body does not decompress (${(error as Error).message.slice(0, 80)})` };
  }
  return { text: bytes.toString("utf8") };
}

/** RFC 1950: compression method 8 (deflate), and the first two bytes a multiple of 31. */
function hasZlibHeader(bytes: Buffer): boolean {
  return (
    bytes.length >= 2 &&
    ((bytes[0] as number) & 0x0f) === 8 &&
    (((bytes[0] as number) << 8) | (bytes[1] as number)) % 31 === 0
  );
}

/** Seconds or an HTTP date, as ms from now. */
export function parseRetryAfter(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== "string" || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Query parameters whose names suggest credentials are blanked in anything printed. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:api[_-]?key|key|token|access_token|password)=)[^&]*/gi, "$1***");
}

function statusHint(status: number): string {
  if (status === 401 || status === 403) return " (check the API key, e.g. MP_API_KEY)";
  if (status === 404) return " (check --base-url)";
  return "";
}

/** Axios errors carry the request config, headers included; keep only what is safe to show. */
function scrub(error: unknown): Error {
  const e = error as Error & { code?: string };
  const clean = new Error(e.message);
  clean.name = e.name;
  return clean;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new IngestAbortedError());
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new IngestAbortedError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
