import type { Config } from "../config";
import { log } from "../logger";
import { openStore, type Store } from "../store/data-source";

/** The store the configuration names: DATABASE_URL, or the embedded one under the data directory. */
export async function openConfiguredStore(config: Config, migrate: boolean): Promise<Store> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrate });
  log.info(store.isEmbedded ? `embedded store (PGlite) at ${config.dataDir}` : "PostgreSQL store from DATABASE_URL");
  return store;
}
