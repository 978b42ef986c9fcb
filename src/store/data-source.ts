import "reflect-metadata";
import { DataSource, type Logger } from "typeorm";
import { MIGRATIONS } from "../../migrations";
import { ENTITIES } from "./entities";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded-postgres";

export interface StoreOptions {
  /** A real PostgreSQL; when absent the embedded store is started. */
  readonly databaseUrl?: string | undefined;
  /** Embedded store directory; undefined keeps it in memory. */
  readonly dataDir?: string | undefined;
  /** Apply pending migrations on open (serve and migrate do; tests do). */
  readonly migrate?: boolean;
  readonly poolSize?: number;
  /** Counts every SQL statement sent, for tests and diagnostics. */
  readonly queryCounter?: QueryCounter;
}

export class QueryCounter {
  count = 0;
  readonly statements: string[] = [];
  constructor(private readonly keepStatements = false) {}
  record(sql: string): void {
    this.count += 1;
    if (this.keepStatements) this.statements.push(sql);
  }
  reset(): void {
    this.count = 0;
    this.statements.length = 0;
  }
}

class CountingLogger implements Logger {
  constructor(private readonly counter: QueryCounter) {}
  logQuery(query: string): void {
    this.counter.record(query);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

export interface Store {
  readonly dataSource: DataSource;
  /** Where the store listens (the embedded one on a loopback port). */
  readonly url: string;
  readonly isEmbedded: boolean;
  close(): Promise<void>;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  let embedded: EmbeddedPostgres | undefined;
  const url = options.databaseUrl ?? (embedded = await startEmbeddedPostgres(options.dataDir)).url;
  const dataSource = new DataSource({
    type: "postgres",
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: "migrations",
    synchronize: false,
    ...(options.queryCounter
      ? { logging: ["query" as const], logger: new CountingLogger(options.queryCounter) }
      : { logging: false }),
    extra: { max: options.poolSize ?? (embedded ? 5 : 10) },
  });
  try {
    await dataSource.initialize();
    if (options.migrate) await dataSource.runMigrations({ transaction: "each" });
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw error;
  }
  return {
    dataSource,
    url,
    isEmbedded: embedded !== undefined,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
