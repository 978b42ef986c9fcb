import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { MagpieFeaturizer } from "../src/engine/descriptors/magpie.featurizer";
import { featurizeRows, parseFormulaCsv } from "../src/engine/ml/formula-dataset";
import type { FeatureMatrix } from "../src/engine/ml/feature-matrix";
import { regressionMetrics } from "../src/engine/ml/metrics";
import type { Model } from "../src/engine/ml/model";
import { loadavg } from "node:os";
import { GbdtModel, recommendedBags } from "../src/engine/ml/gbdt.model";
import { createModel, type ModelKind } from "../src/engine/ml/index";

/**
 * `npm run bench:ml [-- --tasks a,b --models gbdt,mlp,fusion --bags N|auto --params '{"learningRate":0.1}']`: trains
 * each benchmark's train.csv with the CLI's default recipe (GBDT: `DEFAULT_GBDT_PARAMS`,
 * bags from `recommendedBags`, early stopping on folds or a 10 % split of train, never on
 * val; `--params` overrides for experiments) and reports on
 * val.csv: MAE, RMSE, R², featurisation and training time, predictions/s from cached
 * descriptors, and the CrabNet paper's test-set MAEs for orientation. One JSON object
 * per line on stdout; progress on stderr.
 */

interface Task {
  readonly name: string;
  readonly dir: string[];
  readonly unit: string;
  readonly crabnetMae: number;
  readonly randomForestMae: number;
}

// prettier-ignore
const TASKS: Task[] = [
  { name: "aflow_bulk_modulus", dir: ["crabnet", "aflow__ael_bulk_modulus_vrh"], unit: "GPa", crabnetMae: 8.69, randomForestMae: 11.91 },
  { name: "aflow_shear_modulus", dir: ["crabnet", "aflow__ael_shear_modulus_vrh"], unit: "GPa", crabnetMae: 9.08, randomForestMae: 10.09 },
  { name: "aflow_debye_temperature", dir: ["crabnet", "aflow__ael_debye_temperature"], unit: "K", crabnetMae: 33.5, randomForestMae: 36.5 },
  { name: "aflow_thermal_conductivity", dir: ["crabnet", "aflow__agl_thermal_conductivity_300K"], unit: "W/m/K", crabnetMae: 2.32, randomForestMae: 2.66 },
  { name: "aflow_band_gap", dir: ["crabnet", "aflow__Egap"], unit: "eV", crabnetMae: 0.301, randomForestMae: 0.384 },
  { name: "mp_bulk_modulus", dir: ["crabnet", "mp_bulk_modulus"], unit: "GPa", crabnetMae: 11.21, randomForestMae: 14.36 },
  { name: "mp_shear_modulus", dir: ["crabnet", "mp_shear_modulus"], unit: "GPa", crabnetMae: 12.79, randomForestMae: 12.78 },
  { name: "oqmd_band_gap", dir: ["crabnet", "OQMD_Bandgap"], unit: "eV", crabnetMae: 0.049, randomForestMae: 0.06 },
  { name: "jarvis_exfoliation_energy", dir: ["matbench_jdft2d_fold0"], unit: "meV/atom", crabnetMae: 50.5, randomForestMae: 55.1 },
];

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error("package.json not found above " + __dirname);
    dir = up;
  }
  return dir;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * Predictions per second on descriptors already computed, over at least 50k rows and 1 s:
 * per wall-clock second and per CPU second of this process (the two agree on an idle
 * machine; on a shared one only the second is comparable between runs).
 */
function predictionRate(model: Model, x: FeatureMatrix): { perSecond: number; perCpuSecond: number } {
  let rows = 0;
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  do {
    model.predict(x);
    rows += x.rows;
  } while (rows < 50_000 || seconds(start) < 1);
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: rows / seconds(start), perCpuSecond: rows / ((cpu.user + cpu.system) / 1e6) };
}

async function main(): Promise<void> {
  const benchDir = process.env["MATGRAPH_SHARED_DATA"] ?? path.resolve(repoRoot(), "..", "shared", "data");
  const wanted = option("tasks")?.split(",");
  const models = (option("models") ?? "gbdt").split(",") as ModelKind[];
  const bagsOption = option("bags") ?? "auto";
  const fixedBags = bagsOption === "auto" ? undefined : Number(bagsOption);
  if (fixedBags !== undefined && !(Number.isInteger(fixedBags) && fixedBags >= 1))
    throw new Error(`--bags must be a positive integer or "auto", got "${bagsOption}"`);
  const extra = JSON.parse(option("params") ?? "{}") as Record<string, unknown>;
  const featurizer = new MagpieFeaturizer();
  for (const task of TASKS) {
    if (wanted && !wanted.includes(task.name)) continue;
    const dir = path.join(benchDir, "benchmarks", ...task.dir);
    if (!existsSync(path.join(dir, "train.csv"))) {
      console.log(JSON.stringify({ task: task.name, skipped: "train.csv not found in shared data" }));
      continue;
    }
    const t0 = process.hrtime.bigint();
    const trainCsv = parseFormulaCsv(readFileSync(path.join(dir, "train.csv"), "utf8"));
    const valCsv = parseFormulaCsv(readFileSync(path.join(dir, "val.csv"), "utf8"));
    const train = featurizeRows(featurizer, trainCsv.rows);
    const val = featurizeRows(featurizer, valCsv.rows);
    const featurizeSeconds = seconds(t0);
    console.error(
      `${task.name}: ${train.x.rows} train, ${val.x.rows} val rows featurised in ${featurizeSeconds.toFixed(1)} s`,
    );
    // The CLI's default: fold bags on small tables, one booster on large ones.
    const bags = fixedBags ?? recommendedBags(train.x.rows);
    for (const kind of models) {
      const model = createModel(kind, "regression", { bags, seed: 1, ...extra }, featurizer.info);
      const t1 = process.hrtime.bigint();
      const cpu1 = process.cpuUsage();
      const report = await model.fit(
        { x: train.x, y: train.y },
        { log: (line) => console.error(`${task.name} ${kind}: ${line}`) },
      );
      const trainSeconds = seconds(t1);
      const cpu = process.cpuUsage(cpu1);
      const pred = model.predict(val.x);
      const metrics = regressionMetrics(val.y, pred.mean);
      const rate = predictionRate(model, val.x);
      console.log(
        JSON.stringify({
          task: task.name,
          model: kind,
          bags: kind === "gbdt" ? bags : undefined,
          unit: task.unit,
          nTrain: train.x.rows,
          nVal: val.x.rows,
          failed: train.failed.length + trainCsv.failed.length + val.failed.length + valCsv.failed.length,
          mae: metrics.mae,
          rmse: metrics.rmse,
          r2: metrics.r2,
          rounds: report.bestRound,
          // Every tree of every bag (and of a hurdle model's classifier): what prediction costs.
          trees: model instanceof GbdtModel ? model.treeCount : undefined,
          trainSeconds,
          // CPU time of this process (user + system): what training costs when the machine is shared.
          trainCpuSeconds: (cpu.user + cpu.system) / 1e6,
          featurizeSeconds,
          predictionsPerSecond: rate.perSecond,
          predictionsPerCpuSecond: rate.perCpuSecond,
          crabnetTestMae: task.crabnetMae,
          randomForestTestMae: task.randomForestMae,
          beatsRandomForest: metrics.mae < task.randomForestMae,
          beatsCrabnet: metrics.mae < task.crabnetMae,
          // Other jobs share this machine: timings are only comparable at similar load.
          loadAverage1m: loadavg()[0],
        }),
      );
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
