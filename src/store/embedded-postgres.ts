import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/**
 * The embedded store: PGlite (PostgreSQL compiled to WASM) behind a loopback
 * socket that speaks the PostgreSQL wire protocol, so that the same `pg` driver,
 * SQL and migrations serve the embedded store and a real PostgreSQL.
 */
export interface EmbeddedPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

/** Pool connections share one PGlite session; the socket server queues their queries and keeps transactions together. */
const MAX_CONNECTIONS = 10;

/** `dataDir` undefined keeps the database in memory (tests). */
export async function startEmbeddedPostgres(dataDir: string | undefined): Promise<EmbeddedPostgres> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: MAX_CONNECTIONS });
  await server.start();
  const address = server.getServerConn();
  return {
    url: `postgres://postgres@${address}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
