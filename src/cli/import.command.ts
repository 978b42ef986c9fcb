import { Option, type Command } from "commander";
import { config } from "../config";
import { isPropertyKey, PROPERTY_KEYS, type PropertyKey } from "../domain/property-key";
import { isSource, SOURCES, type Source } from "../domain/source";
import { InvalidInputError } from "../errors";
import { importCsv } from "../services/csv-import.service";
import { openConfiguredStore } from "./store";

const SKIPPED_SHOWN = 50;

export function registerImportCommands(program: Command): void {
  const importCommand = program.command("import").description("load local files into the store");
  importCommand
    .command("csv <file>")
    .description("import a formula,target CSV (e.g. the CrabNet and Matbench benchmark files)")
    .addOption(new Option("--source <source>", "source the values come from").choices(SOURCES).makeOptionMandatory())
    .addOption(
      new Option("--property <key>", "property the target column holds")
        .choices(Object.keys(PROPERTY_KEYS))
        .makeOptionMandatory(),
    )
    .option("--unit <unit>", "unit of the file's values (default: the property's canonical unit)")
    .option("--method <method>", "method that produced the values, e.g. AEL, AGL, DFT-PBE")
    .option("--json", "print the summary as one JSON object")
    .action(
      async (
        file: string,
        options: { source: string; property: string; unit?: string; method?: string; json?: boolean },
      ) => {
        if (!isSource(options.source)) throw new InvalidInputError(`unknown source "${options.source}"`);
        if (!isPropertyKey(options.property)) throw new InvalidInputError(`unknown property "${options.property}"`);
        const store = await openConfiguredStore(config(), true);
        try {
          const progress = process.stderr.isTTY
            ? (lines: number) => process.stderr.write(`\r${lines} lines read`)
            : undefined;
          const summary = await importCsv(store.dataSource, {
            file,
            source: options.source as Source,
            key: options.property as PropertyKey,
            unit: options.unit,
            method: options.method,
            onProgress: progress,
          });
          if (progress) process.stderr.write("\n");
          if (options.json) {
            process.stdout.write(`${JSON.stringify(summary)}\n`);
            return;
          }
          const lines = [
            `imported ${summary.file} as ${options.source} ${options.property} (run ${summary.runId})`,
            `  rows read: ${summary.rows}`,
            `  inserted:  ${summary.inserted}`,
            `  updated:   ${summary.updated}`,
            `  unchanged: ${summary.unchanged}`,
            `  skipped:   ${summary.skipped.length}`,
            ...summary.skipped.slice(0, SKIPPED_SHOWN).map((s) => `    ${s.id}: ${s.reason}`),
            ...(summary.skipped.length > SKIPPED_SHOWN
              ? [`    … and ${summary.skipped.length - SKIPPED_SHOWN} more (use --json)`]
              : []),
          ];
          process.stdout.write(`${lines.join("\n")}\n`);
        } finally {
          await store.close();
        }
      },
    );
}
