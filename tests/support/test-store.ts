import { Client } from "pg";
import { openStore, QueryCounter, type Store } from "../../src/store/data-source";

/**
 * A fresh, migrated store for one test file: in-memory PGlite by default, or the
 * PostgreSQL named by DATABASE_URL (a throwaway database: its public schema is wiped).
 */
export const TEST_DATABASE_URL = process.env["DATABASE_URL"] || undefined;
export const STORE_KIND = TEST_DATABASE_URL ? "postgresql" : "pglite";

export interface TestStore extends Store {
  readonly counter: QueryCounter;
}

export async function openTestStore(): Promise<TestStore> {
  if (TEST_DATABASE_URL) {
    const client = new Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      await client.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
    } finally {
      await client.end();
    }
  }
  const counter = new QueryCounter(true);
  const store = await openStore({ databaseUrl: TEST_DATABASE_URL, migrate: true, queryCounter: counter });
  return Object.assign(store, { counter });
}
