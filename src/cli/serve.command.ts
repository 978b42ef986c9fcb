import type { Command } from "commander";
import { config as loadedConfig, type Config } from "../config";
import { startHttpServer } from "../http/app";
import { startJobSystem } from "../jobs/platform";
import { log } from "../logger";
import { openConfiguredStore } from "./store";

/** On SIGINT or SIGTERM, runs the stops in order (the HTTP server first, the store last) and exits. */
function stopOnSignal(what: string, ...stops: Array<() => Promise<void>>): void {
  const shutdown = async (signal: string) => {
    log.info(`${signal} received, ${what}`);
    for (const stop of stops) await stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

export function registerServeCommands(program: Command): void {
  program
    .command("serve")
    .description("apply migrations and serve the GraphQL API")
    .option("--port <port>", "port to listen on (default: PORT or 4000)")
    .option("--no-worker", "do not run jobs in this process (run `matgraph worker` elsewhere)")
    .action(async (options: { port?: string; worker: boolean }) => {
      const base = loadedConfig();
      const config: Config = options.port ? { ...base, port: Number(options.port) } : base;
      const store = await openConfiguredStore(config, true);
      const jobSystem = await startJobSystem(store, config.jobs, options.worker);
      const server = await startHttpServer(store.dataSource, config, jobSystem);
      process.stdout.write(
        `MatGraph GraphQL API ready at ${server.url}${options.worker ? " (with one worker)" : ""}\n`,
      );
      stopOnSignal(
        "shutting down",
        () => server.stop(),
        () => jobSystem.stop(),
        () => store.close(),
      );
    });

  program
    .command("worker")
    .description("run queued jobs (simulations, training) from the database DATABASE_URL names")
    .action(async () => {
      const config = loadedConfig();
      const store = await openConfiguredStore(config, true);
      const jobSystem = await startJobSystem(store, config.jobs, true);
      process.stdout.write(`MatGraph worker running ${config.jobs.workerConcurrency} job(s) at a time\n`);
      stopOnSignal(
        "stopping the worker",
        () => jobSystem.stop(),
        () => store.close(),
      );
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
