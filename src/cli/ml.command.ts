import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { Composition } from "../engine/chem/composition";
import { FeaturizationError } from "../engine/descriptors/descriptor-set";
import { MagpieFeaturizer } from "../engine/descriptors/magpie.featurizer";
import { type FailedRow, featurizeRows, parseFormulaCsv } from "../engine/ml/formula-dataset";
import { recommendedBags } from "../engine/ml/gbdt.model";
import { isModelKind, MODELS } from "../engine/ml/index";
import { errorByClass, materialClass } from "../engine/ml/material-class";
import { classificationMetrics, regressionMetrics } from "../engine/ml/metrics";
import type { Task } from "../engine/ml/model";
import { inferTask, predictRows, restoreModel, trainModel } from "../services/model-training.service";

/**
 * `matgraph train | evaluate | predict`: composition models on `formula,target` CSV files.
 * The model file is the JSON bundle of model-bundle.ts (descriptor version, training-data
 * hash, calibration, weights). Rows that cannot be featurised are listed on stderr with
 * their line and reason; they never stop a run.
 */

class MlCommandError extends Error {
  readonly code = "ML_COMMAND";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MlCommandError";
  }
}

const out = (text: string): void => void process.stdout.write(text.endsWith("\n") ? text : text + "\n");
const err = (text: string): void => void process.stderr.write(text.endsWith("\n") ? text : text + "\n");

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (cause) {
    throw new MlCommandError(`cannot read ${file}`, { cause });
  }
}

function reportFailures(file: string, failed: readonly FailedRow[]): void {
  for (const f of failed) err(`${file}:${f.line}: skipped "${f.formula}": ${f.reason}`);
}

function loadTable(file: string, featurizer: MagpieFeaturizer, threshold?: number) {
  const parsed = parseFormulaCsv(readText(file));
  const rows =
    threshold === undefined ? parsed.rows : parsed.rows.map((r) => ({ ...r, target: r.target < threshold ? 1 : 0 }));
  const data = featurizeRows(featurizer, rows);
  const failed = [...parsed.failed, ...data.failed].sort((a, b) => a.line - b.line);
  reportFailures(file, failed);
  return { ...data, failed };
}

/** Commander collects option values as strings; numbers are checked here. */
function num(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new MlCommandError(`--${name} must be a number, got "${value}"`);
  return n;
}

async function run(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (e) {
    const known = e instanceof Error && "code" in e;
    err(`error: ${e instanceof Error ? e.message : String(e)}`);
    if (!known) throw e;
    process.exitCode = 1;
  }
}

interface TrainOptions {
  data: string;
  val?: string;
  model: string;
  out: string;
  task: string;
  stabilityThreshold?: string;
  seed?: string;
  bags?: string;
  epochs?: string;
  json?: boolean;
}

interface EvaluateOptions {
  model: string;
  data: string;
  json?: boolean;
  byClass?: boolean;
}

interface PredictOptions {
  model: string;
  formula: string;
  json?: boolean;
}

async function readBundle(file: string, featurizer: MagpieFeaturizer) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readText(file));
  } catch (cause) {
    if (cause instanceof MlCommandError) throw cause;
    throw new MlCommandError(`${file} is not JSON`, { cause });
  }
  return restoreModel(parsed, featurizer.info);
}

export function registerMlCommands(program: Command): void {
  program
    .command("train")
    .description("train a composition model on a formula,target CSV and save it as JSON")
    .requiredOption("--data <file>", "training CSV (formula,target)")
    .option("--val <file>", "validation CSV for early stopping and reported metrics")
    .option("--model <kind>", `model: ${Object.keys(MODELS).join(" | ")}`, "gbdt")
    .requiredOption("--out <file>", "where to write the model JSON")
    .option("--task <task>", "regression | classification | auto (binary 0/1 targets → classification)", "auto")
    .option("--stability-threshold <eV>", "classify stability: target (energy above hull, eV/atom) below this → 1")
    .option("--seed <n>", "random seed", "1")
    .option(
      "--bags <n>",
      "gbdt: bags (cross-validation folds) for accuracy and the uncertainty; auto = 5, or 1 above 50k rows",
      "auto",
    )
    .option("--epochs <n>", "mlp/fusion: maximum epochs")
    .option("--json", "print the summary as one JSON object")
    .action((opts: TrainOptions) =>
      run(async () => {
        if (!isModelKind(opts.model))
          throw new MlCommandError(`unknown model "${opts.model}" (known: ${Object.keys(MODELS).join(", ")})`);
        const featurizer = new MagpieFeaturizer();
        const threshold = num(opts.stabilityThreshold, "stability-threshold");
        const train = loadTable(opts.data, featurizer, threshold);
        if (train.x.rows < 2) throw new MlCommandError(`${opts.data}: fewer than 2 usable rows`);
        const val = opts.val ? loadTable(opts.val, featurizer, threshold) : undefined;
        let task: Task;
        if (opts.task === "auto") task = inferTask(train.y);
        else if (opts.task === "regression" || opts.task === "classification") task = opts.task;
        else throw new MlCommandError(`--task must be regression, classification or auto, got "${opts.task}"`);
        const params: Record<string, unknown> = { seed: num(opts.seed, "seed") ?? 1 };
        if (opts.model === "gbdt") {
          const bags =
            opts.bags === undefined || opts.bags === "auto" ? recommendedBags(train.x.rows) : num(opts.bags, "bags");
          if (bags === undefined || !Number.isInteger(bags) || bags < 1)
            throw new MlCommandError(`--bags must be a positive integer or auto, got "${opts.bags}"`);
          params["bags"] = bags;
        }
        const epochs = num(opts.epochs, "epochs");
        if (epochs !== undefined) params["epochs"] = epochs;
        const trained = await trainModel(featurizer.info, {
          kind: opts.model,
          task,
          params,
          train: { x: train.x, y: train.y },
          ...(val ? { validation: { x: val.x, y: val.y } } : {}),
        });
        const { bundle, validation, calibrationScale } = trained;
        writeFileSync(opts.out, JSON.stringify(bundle));
        const summary = {
          model: opts.model,
          task,
          out: opts.out,
          trainingRows: train.x.rows,
          failed: train.failed.length,
          rounds: trained.rounds,
          trainSeconds: trained.trainSeconds,
          trainingDataHash: bundle.trainingDataHash,
          ...(validation ? { validation } : {}),
          ...(calibrationScale !== undefined ? { calibrationScale } : {}),
        };
        out(
          opts.json
            ? JSON.stringify(summary)
            : Object.entries(summary)
                .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
                .join("\n"),
        );
      }),
    );

  program
    .command("evaluate")
    .description("score a saved model on a formula,target CSV")
    .requiredOption("--model <file>", "model JSON written by train")
    .requiredOption("--data <file>", "CSV with formula,target columns")
    .option("--json", "print one JSON object")
    .option("--by-class", "MAE per material class (elements, ordered compounds, multicomponent alloys, amorphous)")
    .action((opts: EvaluateOptions) =>
      run(async () => {
        const featurizer = new MagpieFeaturizer();
        const { model } = await readBundle(opts.model, featurizer);
        const data = loadTable(opts.data, featurizer);
        const pred = model.predict(data.x);
        const reg = regressionMetrics(data.y, pred.mean);
        const result: Record<string, unknown> = {
          mae: reg.mae,
          rmse: reg.rmse,
          r2: reg.r2,
          n: reg.n,
          failed: data.failed.length,
        };
        if (model.task === "classification") {
          const c = classificationMetrics(data.y, pred.mean);
          Object.assign(result, {
            accuracy: c.accuracy,
            precision: c.precision,
            recall: c.recall,
            f1: c.f1,
            rocAuc: c.rocAuc,
          });
        }
        if (opts.byClass) {
          const classes = data.kept.map((r) => materialClass(Composition.parse(r.formula), r.label));
          result["byClass"] = errorByClass(classes, data.y, pred.mean);
        }
        if (opts.json) {
          out(JSON.stringify(result));
          return;
        }
        const lines = Object.entries(result)
          .filter(([k]) => k !== "byClass")
          .map(([k, v]) => `${k}: ${String(v)}`);
        if (opts.byClass) {
          lines.push("class                  n      MAE");
          for (const row of result["byClass"] as ReturnType<typeof errorByClass>) {
            lines.push(
              `${row.materialClass.padEnd(22)} ${String(row.n).padStart(6)} ${Number.isNaN(row.mae) ? "-" : row.mae.toPrecision(4)}`,
            );
          }
        }
        out(lines.join("\n"));
      }),
    );

  program
    .command("predict")
    .description("predict a property for one formula with a saved model")
    .requiredOption("--model <file>", "model JSON written by train")
    .requiredOption("--formula <formula>", "chemical formula, e.g. Fe2O3")
    .option("--json", "print one JSON object")
    .action((opts: PredictOptions) =>
      run(async () => {
        const featurizer = new MagpieFeaturizer();
        const { bundle, model } = await readBundle(opts.model, featurizer);
        let x: Float64Array;
        try {
          x = featurizer.featurize(opts.formula);
        } catch (e) {
          if (e instanceof FeaturizationError) throw new MlCommandError(e.message, { cause: e });
          throw e;
        }
        const [pred] = predictRows(bundle, model, { rows: 1, cols: x.length, data: x });
        const result = {
          formula: opts.formula,
          reducedFormula: Composition.parse(opts.formula).reducedFormula,
          task: model.task,
          prediction: pred?.value ?? NaN,
          uncertainty: pred?.uncertainty ?? null,
          model: model.kind,
          descriptorVersion: bundle.descriptor.version,
        };
        out(
          opts.json
            ? JSON.stringify(result)
            : `${result.reducedFormula}: ${result.prediction}${result.uncertainty === null ? "" : ` ± ${result.uncertainty}`}`,
        );
      }),
    );
}
