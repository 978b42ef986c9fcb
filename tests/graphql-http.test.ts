import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server";
import { STORE_KIND } from "./support/test-store";

/**
 * JSON POSTs to /graphql skip Express (src/http/graphql-post.handler.ts); other
 * requests, such as a gzip-compressed body, still go through it. Both must
 * answer alike, keep CORS, and refuse bad bodies with a clear status.
 */
describe(`GraphQL over HTTP, both request paths, on ${STORE_KIND}`, () => {
  const origin = "https://explorer.example";
  let t: TestServer;
  let endpoint: string;

  beforeAll(async () => {
    t = await startTestServer({ MATGRAPH_CORS_ORIGINS: origin });
    endpoint = `http://127.0.0.1:${t.server.port}/graphql`;
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(endpoint, { method: "POST", headers: { "content-type": "application/json", origin, ...headers }, body });

  interface Answer {
    status: number;
    body: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
    cors: string | null;
  }

  async function both(payload: unknown): Promise<[Answer, Answer]> {
    const text = JSON.stringify(payload);
    const plain = await post(text);
    const gzipped = await post(gzipSync(text), { "content-encoding": "gzip" });
    const answer = async (res: Response): Promise<Answer> => ({
      status: res.status,
      body: (await res.json()) as Answer["body"],
      cors: res.headers.get("access-control-allow-origin"),
    });
    return [await answer(plain), await answer(gzipped)];
  }

  it("answers a query the same on both paths, with CORS headers", async () => {
    const [plain, gzipped] = await both({ query: "query { sources { source entryCount } }" });
    expect(plain.status).toBe(200);
    expect(plain.body.data).toBeDefined();
    expect(plain.body).toEqual(gzipped.body);
    expect(plain.cors).toBe(origin);
    expect(gzipped.cors).toBe(origin);
  });

  it("refuses an invalid query with the same status and error code on both paths", async () => {
    const [plain, gzipped] = await both({ query: "query { sources { noSuchField } }" });
    expect(plain.status).toBe(400);
    expect(plain.status).toBe(gzipped.status);
    expect(plain.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(plain.body).toEqual(gzipped.body);
  });

  it("names a body that is not JSON", async () => {
    const res = await post('{"query": ');
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/not valid JSON/);
  });

  it("refuses a body over the size limit", async () => {
    const res = await post(JSON.stringify({ query: `# ${"x".repeat(2 * 1024 * 1024)}\n{ __typename }` }));
    expect(res.status).toBe(413);
    expect(await res.text()).toMatch(/exceeds the limit/);
  });

  it("leaves preflight requests to the CORS middleware", async () => {
    const res = await fetch(endpoint, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(origin);
  });
});
