import { Option, type Command } from "commander";
import { config } from "../config";
import { InvalidInputError } from "../errors";
import {
  ADAPTER_NAMES,
  createAdapter,
  isAdapterName,
  runIngest,
  StructureFilesAdapter,
  type IngestSummary,
  type SourceAdapter,
} from "../ingest";
import { ProgressReporter } from "../ingest/progress-bar";
import { openConfiguredStore } from "./store";

const SKIPPED_SHOWN = 50;

interface IngestCommandOptions {
  baseUrl?: string;
  file?: string;
  filter?: string;
  limit?: number;
  resume?: boolean;
  batchSize?: number;
  pageSize?: number;
  details?: boolean;
  json?: boolean;
}

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0)
      throw new InvalidInputError(`${name} must be a positive integer, got "${value}"`);
    return n;
  };
}

export function registerIngestCommands(program: Command): void {
  program
    .command("ingest")
    .description(
      "read a source's API (or a dump of it), or structure files (`ingest file <paths...>`), into the store; " +
        "a rerun changes only what changed",
    )
    .addArgument(
      program
        .createArgument("<source>", "mp, aflow, oqmd, jarvis, optimade, or file")
        .choices([...ADAPTER_NAMES, "file"]),
    )
    .addArgument(
      program.createArgument(
        "[paths...]",
        "file: structure files (CIF; POSCAR/CONTCAR or .vasp; extended XYZ), one USER entry per crystal",
      ),
    )
    .option("--base-url <url>", "scheme and host the source's usual paths hang under (OPTIMADE: the provider's root)")
    .option(
      "--file <path>",
      "read a dump instead (JSON array or JSON lines; plain, .gz or .zip; a path or URL); file: one more structure file",
    )
    .option(
      "--filter <expr>",
      "the source's own filter (MP: query string, OQMD: filter=, AFLOW: matchbook, OPTIMADE: filter)",
    )
    .option("--limit <n>", "stop after n records", positiveInt("--limit"))
    .option("--resume", "continue the newest unfinished run of the same target from its checkpoint")
    .option("--batch-size <n>", "records per write transaction (default 2000)", positiveInt("--batch-size"))
    .option(
      "--page-size <n>",
      "records per page asked of the server (of a dump: 250 unless given)",
      positiveInt("--page-size"),
    )
    .addOption(new Option("--details", "AFLOW: fetch each entry's aflowlib.json when AFLUX lacks its structure"))
    .option("--json", "print the summary as one JSON object")
    .action(async (source: string, paths: string[], options: IngestCommandOptions) => {
      const settings = config();
      const adapter = source === "file" ? structureFilesAdapter(paths, options) : sourceAdapter(source, paths, options);
      const store = await openConfiguredStore(settings, true);
      const reporter = new ProgressReporter(`ingest ${source}`);
      try {
        const summary = await runIngest(store.dataSource, adapter, {
          ...(options.limit ? { limit: options.limit } : {}),
          ...(options.resume ? { resume: true } : {}),
          ...(options.batchSize ? { batchSize: options.batchSize } : {}),
          runOptions: { filter: options.filter ?? null, via: "cli" },
          onProgress: (p) => reporter.update(p),
        });
        reporter.done();
        process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
      } finally {
        reporter.done();
        await store.close();
      }
    });
}

function structureFilesAdapter(paths: readonly string[], options: IngestCommandOptions): SourceAdapter {
  const files = [...paths, ...(options.file ? [options.file] : [])];
  if (files.length === 0) {
    throw new InvalidInputError("ingest file needs at least one structure file (CIF, POSCAR/CONTCAR or extended XYZ)");
  }
  for (const option of ["baseUrl", "filter", "details"] as const) {
    if (options[option])
      throw new InvalidInputError(`--${option === "baseUrl" ? "base-url" : option} does not apply to files`);
  }
  return new StructureFilesAdapter(files);
}

function sourceAdapter(source: string, paths: readonly string[], options: IngestCommandOptions): SourceAdapter {
  if (!isAdapterName(source)) throw new InvalidInputError(`unknown source "${source}"`);
  if (paths.length > 0) {
    throw new InvalidInputError(
      `unexpected argument "${paths[0]}": only \`ingest file\` takes paths (a dump goes with --file)`,
    );
  }
  const settings = config();
  return createAdapter(source, {
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    ...(options.file ? { file: options.file } : {}),
    ...(options.filter ? { filter: options.filter } : {}),
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    ...(options.details ? { entryDetails: true } : {}),
    ...(source === "mp" && settings.mpApiKey ? { apiKey: settings.mpApiKey } : {}),
    http: {
      onRetry: (e) =>
        process.stderr.write(`retrying ${e.url} in ${Math.round(e.delayMs)} ms (attempt ${e.attempt}): ${e.reason}\n`),
    },
  });
}

function formatSummary(s: IngestSummary): string {
  const lines = [
    `ingested ${s.source} from ${s.target} (run ${s.runId}${s.resumed ? ", resumed" : ""}${s.release ? `, release ${s.release}` : ""})`,
    `  fetched:   ${s.fetched}`,
    `  inserted:  ${s.inserted}`,
    `  updated:   ${s.updated}`,
    `  unchanged: ${s.unchanged}`,
    `  withdrawn: ${s.withdrawn}`,
    `  skipped:   ${s.skipped}`,
    ...s.skippedRecords.slice(0, SKIPPED_SHOWN).map((r) => `    ${r.id}: ${r.reason}`),
    ...(s.skippedRecords.length > SKIPPED_SHOWN
      ? [`    … and ${s.skippedRecords.length - SKIPPED_SHOWN} more (use --json)`]
      : []),
  ];
  return `${lines.join("\n")}\n`;
}
