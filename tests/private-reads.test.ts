import WebSocket from "ws";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { startTestServer, type TestServer } from "./support/test-server";
import { STORE_KIND } from "./support/test-store";

/**
 * Queries are public by default; an operator who sets MATGRAPH_PRIVATE_READS makes
 * every read — GraphQL over HTTP and WebSocket, /optimade, /export — need a token.
 */
describe(`private reads (MATGRAPH_PRIVATE_READS) on ${STORE_KIND}`, () => {
  const token = "test-admin-token";
  let open: TestServer;
  let closed: TestServer;
  let base: string;

  beforeAll(async () => {
    open = await startTestServer();
    closed = await startTestServer({ MATGRAPH_PRIVATE_READS: "true" }, open.store);
    base = `http://127.0.0.1:${closed.server.port}`;
  });
  afterAll(async () => {
    await closed?.close();
    await open?.close();
  });

  it("answers anonymous queries by default", async () => {
    const res = await open.gql<{ materials: { totalCount: number } }>(`{ materials(first: 1) { totalCount } }`);
    expect(res.errors).toBeUndefined();
    expect(typeof res.data?.materials.totalCount).toBe("number");
  });

  it("refuses an anonymous or wrongly signed GraphQL query with UNAUTHENTICATED and 401", async () => {
    const attempts: Array<Record<string, string>> = [{}, { authorization: "Bearer not-the-token" }];
    for (const headers of attempts) {
      const res = await fetch(`${base}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query: "{ materials(first: 1) { totalCount } }" }),
      });
      expect(res.status).toBe(401);
      const body = (await res.json()) as {
        data?: unknown;
        errors: Array<{ message: string; extensions: { code: string } }>;
      };
      expect(body.data).toBeUndefined();
      expect(body.errors[0]?.extensions.code).toBe("UNAUTHENTICATED");
      expect(body.errors[0]?.message).toMatch(/private/);
    }
  });

  it("answers the same query with the operator's token", async () => {
    const res = await closed.gql<{ materials: { totalCount: number } }>(
      `{ materials(first: 1) { totalCount } }`,
      {},
      {
        authorization: `Bearer ${token}`,
      },
    );
    expect(res.errors).toBeUndefined();
    expect(typeof res.data?.materials.totalCount).toBe("number");
  });

  it("guards /optimade and /export but not /health", async () => {
    for (const path of ["/optimade/v1/info", "/export/materials.csv"]) {
      const anonymous = await fetch(base + path);
      expect(anonymous.status, path).toBe(401);
      const body = (await anonymous.json()) as { errors: Array<{ detail: string }> };
      expect(body.errors[0]?.detail).toMatch(/private/);
      const signed = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
      expect(signed.status, path).toBe(200);
      await signed.arrayBuffer();
    }
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it("closes an anonymous WebSocket and serves a signed one", async () => {
    const url = `ws://127.0.0.1:${closed.server.port}/graphql`;
    const run = (connectionParams: Record<string, string>) =>
      new Promise<unknown>((resolve, reject) => {
        const client = createClient({ url, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0 });
        client.subscribe(
          { query: "{ materials(first: 1) { totalCount } }" },
          {
            next: (value) => resolve(value),
            error: (error) => reject(error),
            complete: () => void client.dispose(),
          },
        );
      });
    await expect(run({})).rejects.toMatchObject({ code: 4403 });
    await expect(run({ authorization: `Bearer ${token}` })).resolves.toMatchObject({
      data: { materials: { totalCount: expect.any(Number) } },
    });
  });

  it("refuses a private server without any token at start", () => {
    expect(() => loadConfig({ MATGRAPH_PRIVATE_READS: "true" })).toThrow(/MATGRAPH_TOKENS/);
    expect(() => loadConfig({ MATGRAPH_PRIVATE_READS: "yes" })).toThrow(/MATGRAPH_PRIVATE_READS must be true or false/);
  });
});
