import { printSchema } from "graphql";
import type { Command } from "commander";
import { config } from "../config";
import { buildMatGraphSchema } from "../schema/build-schema";
import { summariseSources } from "../services/source.service";
import { openConfiguredStore } from "./store";

export function registerInfoCommands(program: Command): void {
  program
    .command("sources")
    .description("entry counts and last ingest of each source")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const store = await openConfiguredStore(config(), true);
      try {
        const sources = await summariseSources(store.dataSource);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(sources)}\n`);
          return;
        }
        for (const s of sources) {
          const last = s.lastIngestAt ? new Date(s.lastIngestAt).toISOString() : "never";
          process.stdout.write(
            `${s.source.padEnd(10)} ${String(s.entryCount).padStart(9)} entries  last ingest ${last}\n`,
          );
        }
      } finally {
        await store.close();
      }
    });

  program
    .command("schema")
    .description("print the GraphQL schema as SDL")
    .action(async () => {
      process.stdout.write(`${printSchema(await buildMatGraphSchema())}\n`);
    });
}
