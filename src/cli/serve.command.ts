import type { Command } from "commander";
import { config as loadedConfig, type Config } from "../config";
import { startHttpServer } from "../http/app";
import { log } from "../logger";
import { openConfiguredStore } from "./store";

export function registerServeCommands(program: Command): void {
  program
    .command("serve")
    .description("apply migrations and serve the GraphQL API")
    .option("--port <port>", "port to listen on (default: PORT or 4000)")
    .action(async (options: { port?: string }) => {
      const base = loadedConfig();
      const config: Config = options.port ? { ...base, port: Number(options.port) } : base;
      const store = await openConfiguredStore(config, true);
      const server = await startHttpServer(store.dataSource, config);
      process.stdout.write(`MatGraph GraphQL API ready at ${server.url}\n`);
      const shutdown = async (signal: string) => {
        log.info(`${signal} received, shutting down`);
        await server.stop();
        await store.close();
        process.exit(0);
      };
      process.once("SIGINT", () => void shutdown("SIGINT"));
      process.once("SIGTERM", () => void shutdown("SIGTERM"));
    });

  program
    .command("migrate")
    .description("apply pending database migrations and exit")
    .action(async () => {
      const store = await openConfiguredStore(loadedConfig(), false);
      try {
        const applied = await store.dataSource.runMigrations({ transaction: "each" });
        process.stdout.write(
          applied.length === 0
            ? "database is up to date\n"
            : `applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(", ")}\n`,
        );
      } finally {
        await store.close();
      }
    });
}
