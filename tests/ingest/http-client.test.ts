import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HttpClient, parseRetryAfter, USER_AGENT } from "../../src/ingest/http-client";
import { FetchError } from "../../src/ingest/ingest.errors";
import { startReplayServer, fromArray, type ReplayServer } from "./support/replay-server";

/** The one HTTP client against a real loopback server with faults injected. */
describe("HttpClient", () => {
  let server: ReplayServer;
  const records = Array.from({ length: 300 }, (_, i) => ({ entry_id: i, name: "NaCl", padding: "x".repeat(40) }));

  beforeAll(async () => {
    server = await startReplayServer();
    server.data.oqmd = fromArray(records);
  });
  afterAll(() => server.close());
  beforeEach(() => server.clearFaults());

  const page = "oqmdapi/formationenergy?limit=300&offset=0";
  const isPage = (p: string) => p.startsWith("/oqmdapi/formationenergy");

  function client(extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
    const delays: number[] = [];
    const reasons: string[] = [];
    const c = new HttpClient({
      baseUrl: server.url,
      backoffBaseMs: 10,
      maxRetries: 3,
      onRetry: (e) => {
        delays.push(e.delayMs);
        reasons.push(e.reason);
      },
      ...extra,
    });
    return { c, delays, reasons };
  }

  it("sends a User-Agent naming the project, asks for gzip and decodes it", async () => {
    const { c } = client();
    const body = (await c.getJson(page)) as { data: unknown[] };
    expect(body.data).toHaveLength(300);
    const headers = server.headers[server.headers.length - 1]!;
    expect(headers["user-agent"]).toBe(USER_AGENT);
    expect(headers["user-agent"]).toMatch(/MatGraph/);
    expect(String(headers["accept-encoding"])).toMatch(/gzip/);
  });

  it("honours Retry-After on 429 (waits at least the seconds asked)", async () => {
    server.inject(isPage, { kind: "429", retryAfter: 1 });
    const { c, delays, reasons } = client();
    const started = Date.now();
    const body = (await c.getJson(page)) as { data: unknown[] };
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(body.data).toHaveLength(300);
    expect(delays[0]).toBeGreaterThanOrEqual(1000);
    expect(reasons[0]).toMatch(/429/);
  });

  it("retries 500, a connection reset, a truncated body, a body that is not JSON and a cut gzip stream, then succeeds", async () => {
    for (const kind of ["500", "reset", "truncate", "bad-json", "bad-gzip"] as const) {
      server.inject(isPage, { kind });
      const { c, reasons } = client();
      const body = (await c.getJson(page)) as { data: unknown[] };
      expect(body.data, kind).toHaveLength(300);
      expect(reasons, kind).toHaveLength(1);
      if (kind === "bad-gzip") expect(reasons[0]).toMatch(/gzip body does not decompress/);
      expect(c.retries).toBe(1);
    }
  });

  it("backs off exponentially with jitter and gives up after maxRetries with a clean error", async () => {
    server.inject(isPage, { kind: "500" }, Infinity);
    let draws = 0;
    const { c, delays } = client({ random: () => (++draws % 2 ? 1 : 0.5) });
    await expect(c.getJson(page)).rejects.toThrow(FetchError);
    expect(delays).toEqual([10, 10, 40]); // base·2^attempt × jitter draw (1, 0.5, 1)
    await expect(c.getJson(page)).rejects.toThrow(/gave up after 4 attempts \(HTTP 500\)/);
  });

  it("does not retry a 404 and never puts secret headers in errors", async () => {
    const { c, reasons } = client({ secretHeaders: { "X-API-KEY": "sekret-key-123" } });
    const error = (await c.getJson("no/such/path").catch((e: unknown) => e)) as FetchError;
    expect(error).toBeInstanceOf(FetchError);
    expect(error.status).toBe(404);
    expect(reasons).toEqual([]);
    expect(`${error.message} ${String(error.stack)} ${JSON.stringify(error)}`).not.toContain("sekret");
    expect(server.headers[server.headers.length - 1]!["x-api-key"]).toBe("sekret-key-123");
    server.inject(isPage, { kind: "reset" }, Infinity);
    const failed = (await c.getJson(page).catch((e: unknown) => e)) as FetchError;
    expect(`${failed.message} ${String(failed.stack)} ${String(failed.cause)}`).not.toContain("sekret");
  });

  it("keeps at most `concurrency` requests in flight and spaces them by the rate limit", async () => {
    const { c } = client({ concurrency: 1, requestsPerSecond: 20 });
    const before = server.requests.length;
    const started = Date.now();
    await Promise.all(Array.from({ length: 5 }, () => c.getJson("oqmdapi/formationenergy?limit=1")));
    expect(server.requests.length - before).toBe(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 50 - 5);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});

/** The benchmark's replay server builds each body once; what it sends must not change, faults included. */
describe("replay server with cached bodies", () => {
  let server: ReplayServer;
  const records = Array.from({ length: 300 }, (_, i) => ({ entry_id: i, name: "NaCl", padding: "x".repeat(40) }));

  beforeAll(async () => {
    server = await startReplayServer(undefined, { cacheBodies: true });
    server.data.oqmd = fromArray(records);
    server.data.jarvis.set("dump", fromArray(records));
  });
  afterAll(() => server.close());

  it("serves a page and a streamed dump built once, gzip included, and still applies injected faults", async () => {
    const c = new HttpClient({ baseUrl: server.url, backoffBaseMs: 10, maxRetries: 3 });
    const page = "oqmdapi/formationenergy?limit=300&offset=0";
    const first = await c.getJsonRecordTexts(page, "data");
    expect(first.texts).toHaveLength(300);
    // The records behind the listing change; the cached page does not.
    server.data.oqmd = fromArray(records.slice(0, 10));
    const again = await c.getJsonRecordTexts(page, "data");
    expect(again).toEqual(first);
    expect(String(server.headers[server.headers.length - 1]?.["accept-encoding"])).toMatch(/gzip/);

    server.inject((p) => p.startsWith("/oqmdapi/"), { kind: "bad-json" });
    const retried: string[] = [];
    const faulted = new HttpClient({ baseUrl: server.url, backoffBaseMs: 10, onRetry: (e) => retried.push(e.reason) });
    expect(await faulted.getJsonRecordTexts(page, "data")).toEqual(first);
    expect(retried).toHaveLength(1);

    const dumpText = async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of await c.getStream("jarvis/dump.json")) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    };
    const dump = await dumpText();
    expect(JSON.parse(dump)).toEqual(records);
    server.data.jarvis.set("dump", fromArray([]));
    expect(await dumpText()).toBe(dump);
  });
});
