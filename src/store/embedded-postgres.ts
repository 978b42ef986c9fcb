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

/**
 * The socket server queues protocol messages from all connections into the one
 * PGlite session, keeping a connection's messages together only inside a
 * transaction. A parameterised query is several messages (Parse, Bind, Execute…
 * up to Sync) that use the session's unnamed statement and portal, so two
 * connections' queries interleaved there run each other's statements. This view
 * of the database reports "in transaction" from a connection's first extended-
 * protocol message until its Sync as well, which makes the server keep each
 * query whole. A ROLLBACK the server sends for a vanished connection clears it.
 */
const SYNC = 0x53; // 'S'
const SIMPLE_QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

function keepQueriesWhole(db: PGlite): PGlite {
  let insideQuery = false;
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === "isInTransaction") return () => insideQuery || target.isInTransaction();
      if (property === "execProtocolRawStream") {
        return (message: Uint8Array, options: Parameters<PGlite["execProtocolRawStream"]>[1]) => {
          const type = message[0];
          insideQuery =
            type !== SYNC && type !== SIMPLE_QUERY && type !== TERMINATE && message.length > 0 && type !== 0;
          return target.execProtocolRawStream(message, options);
        };
      }
      if (property === "exec") {
        return (query: string, options?: Parameters<PGlite["exec"]>[1]) => {
          if (/^\s*ROLLBACK/i.test(query)) insideQuery = false;
          return target.exec(query, options);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** `dataDir` undefined keeps the database in memory (tests). */
export async function startEmbeddedPostgres(dataDir: string | undefined): Promise<EmbeddedPostgres> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  const server = new PGLiteSocketServer({
    db: keepQueriesWhole(db),
    host: "127.0.0.1",
    port: 0,
    maxConnections: MAX_CONNECTIONS,
  });
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
