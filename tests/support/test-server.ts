import { loadConfig, type Config } from "../../src/config";
import { startHttpServer, type RunningServer } from "../../src/http/app";
import type { Platform } from "../../src/schema/context";
import { openTestStore, type TestStore } from "./test-store";

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } & Record<string, unknown>; path?: unknown[] }>;
}

export interface TestServer {
  readonly store: TestStore;
  readonly server: RunningServer;
  readonly config: Config;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/** A real store and the real HTTP server on a loopback port; queries go over HTTP. */
export async function startTestServer(
  env: Record<string, string> = {},
  store?: TestStore,
  platform: Platform = {},
): Promise<TestServer> {
  const ownStore = store ?? (await openTestStore());
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", MATGRAPH_TOKENS: "test-admin-token", ...env });
  const server = await startHttpServer(ownStore.dataSource, config, platform);
  const endpoint = `http://127.0.0.1:${server.port}/graphql`;
  return {
    store: ownStore,
    server,
    config,
    async gql(query, variables, headers) {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<never>;
    },
    async close() {
      await server.stop();
      if (!store) await ownStore.close();
    },
  };
}
