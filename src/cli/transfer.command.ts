import { writeFileSync } from "node:fs";
import { Option, type Command } from "commander";
import type { DataSource } from "typeorm";
import { config } from "../config";
import { canonicalUnitOf, isPropertyKey, PROPERTY_KEYS } from "../domain/property-key";
import { isSource, SOURCES, type Source } from "../domain/source";
import { InvalidInputError } from "../errors";
import { loadSourceRows } from "../services/model-data.service";
import { checkModelKind, modelParams } from "../services/model-jobs.service";
import { runTransferExperiment } from "../services/transfer-experiment.service";
import { TransferReportStore } from "../services/transfer-report.service";
import { openConfiguredStore } from "./store";

/**
 * `matgraph transfer --key K --train A,B,C --test D`: the transfer experiment of the
 * `transferExperiment` mutation, run in this process on the configured store. The
 * report is stored (as the job's would be) unless --no-store; --svg writes the parity
 * plot. Same service, same numbers as the job.
 */
export interface TransferCommandDeps {
  /** The store to use; the configured one (DATABASE_URL or the embedded store) by default. */
  readonly openStore?: () => Promise<{ dataSource: DataSource; close(): Promise<void> }>;
}

interface TransferOptions {
  key: string;
  train: string;
  test: string;
  model: string;
  params?: string;
  svg?: string;
  store: boolean;
  json?: boolean;
}

function sourceList(text: string): Source[] {
  const names = text
    .split(",")
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  for (const name of names)
    if (!isSource(name)) throw new InvalidInputError(`unknown source "${name}" (known: ${SOURCES.join(", ")})`);
  return names as Source[];
}

export function registerTransferCommands(program: Command, deps: TransferCommandDeps = {}): void {
  program
    .command("transfer")
    .description("train on some sources' values of a property, test on another source's unseen compositions")
    .addOption(new Option("--key <key>", "property").choices(Object.keys(PROPERTY_KEYS)).makeOptionMandatory())
    .requiredOption("--train <sources>", "comma-separated training sources, e.g. AFLOW,OQMD,MP")
    .requiredOption("--test <source>", "test source, e.g. JARVIS")
    .option("--model <kind>", "gbdt | mlp | fusion", "gbdt")
    .option("--params <json>", 'model hyper-parameters as JSON, e.g. {"bags":4}')
    .option("--svg <file>", "write the parity plot here")
    .option("--no-store", "do not store the report")
    .option("--json", "print the report as one JSON object")
    .action(async (opts: TransferOptions) => {
      if (!isPropertyKey(opts.key)) throw new InvalidInputError(`unknown property "${opts.key}"`);
      const key = opts.key;
      const trainSources = sourceList(opts.train);
      const [testSource, ...extra] = sourceList(opts.test);
      if (!testSource || extra.length > 0) throw new InvalidInputError("--test names exactly one source");
      const model = checkModelKind(opts.model);
      let params: Record<string, number | string | boolean>;
      try {
        params = modelParams(opts.params === undefined ? undefined : JSON.parse(opts.params));
      } catch (cause) {
        if (cause instanceof SyntaxError)
          throw new InvalidInputError(`--params is not JSON: ${cause.message}`, { cause });
        throw cause;
      }
      const store = deps.openStore ? await deps.openStore() : await openConfiguredStore(config(), true);
      try {
        const rows = await loadSourceRows(store.dataSource, key, [...trainSources, testSource]);
        const { report, svg } = await runTransferExperiment({
          key,
          unit: canonicalUnitOf(key),
          trainSources,
          testSource,
          modelKind: model,
          params,
          rows,
          onProgress: (_fraction, message) => void process.stderr.write(`${message}\n`),
        });
        const stored = opts.store ? await new TransferReportStore(store.dataSource).insert(report, svg, null) : null;
        if (opts.svg) writeFileSync(opts.svg, svg);
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify({ reportId: stored?.id ?? null, ...report, ...(opts.svg ? { svg: opts.svg } : {}) })}\n`,
          );
          return;
        }
        const lines = [
          `${key} (${report.unit || "dimensionless"}), ${model}: train ${trainSources.join("+")}, test ${testSource}`,
          `rows: ${Object.entries(report.rowsBySource)
            .map(([s, n]) => `${s} ${n}`)
            .join(", ")}; ` + `${report.excludedOverlap} test compositions also in training sources were dropped`,
          `${"trained on".padEnd(24)} ${"n test".padStart(7)} ${"MAE".padStart(10)} ${"RMSE".padStart(10)} ${"R²".padStart(8)}`,
          ...report.pairs.map(
            (p) =>
              `${p.trainSources.join("+").padEnd(24)} ${String(p.testRows).padStart(7)} ${p.mae.toPrecision(4).padStart(10)} ` +
              `${p.rmse.toPrecision(4).padStart(10)} ${(Number.isFinite(p.r2) ? p.r2.toFixed(3) : "-").padStart(8)}`,
          ),
          ...(stored ? [`stored as transfer report ${stored.id}`] : []),
          ...(opts.svg ? [`parity plot: ${opts.svg}`] : []),
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
      } finally {
        await store.close();
      }
    });
}
