import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DataSource } from "typeorm";
import { PropertyKey } from "../../../src/domain/property-key";
import { Source } from "../../../src/domain/source";
import { Composition } from "../../../src/engine/chem/composition";
import { importCsv } from "../../../src/services/csv-import.service";
import { sharedData } from "../../support/shared-data";

/**
 * Band gaps from four benchmark files imported under four sources, a few hundred rows
 * each, so that transfer experiments and training run on real multi-source data and
 * stay fast: aflow__Egap as AFLOW, OQMD_Bandgap as OQMD, Matbench mp_gap as MP and
 * Matbench expt_gap (experimental gaps) as USER. The USER subset also takes rows whose
 * composition the other subsets hold, so the overlap exclusion has something to do.
 * Subsets are written to a temporary folder (never into the project).
 */
export const GAP_FILES: ReadonlyArray<{ source: Source; parts: string[]; rows: number }> = [
  { source: Source.AFLOW, parts: ["benchmarks", "crabnet", "aflow__Egap", "train.csv"], rows: 300 },
  { source: Source.OQMD, parts: ["benchmarks", "crabnet", "OQMD_Bandgap", "train.csv"], rows: 300 },
  { source: Source.MP, parts: ["benchmarks", "matbench", "mp_gap.csv"], rows: 300 },
  { source: Source.USER, parts: ["benchmarks", "matbench", "expt_gap.csv"], rows: 200 },
];

const reduced = (formula: string): string | null => {
  try {
    return Composition.parse(formula).reducedFormula;
  } catch {
    return null;
  }
};

export interface ImportedSubsets {
  /** Reduced formulas imported per source. */
  readonly formulas: Record<string, Set<string>>;
}

export async function importGapSubsets(dataSource: DataSource): Promise<ImportedSubsets> {
  const dir = mkdtempSync(path.join(tmpdir(), "matgraph-ondemand-"));
  const formulas: Record<string, Set<string>> = {};
  const trainFormulas = new Set<string>();
  for (const { source, parts, rows } of GAP_FILES) {
    const lines = readFileSync(sharedData(...parts), "utf8")
      .split(/\r?\n/)
      .filter((l) => l.trim() !== "");
    const header = lines[0] as string;
    let body = lines.slice(1, rows + 1);
    if (source === Source.USER) {
      const shared = lines
        .slice(rows + 1)
        .filter((l) => trainFormulas.has(reduced(l.split(",")[0] ?? "") ?? ""))
        .slice(0, 30);
      body = [...body, ...shared];
    }
    const folder = path.join(dir, parts.at(-2) as string);
    mkdirSync(folder, { recursive: true });
    const file = path.join(folder, parts.at(-1) as string);
    writeFileSync(file, [header, ...body].join("\n") + "\n");
    await importCsv(dataSource, { file, source, key: PropertyKey.BAND_GAP });
    const set = new Set(body.map((l) => reduced(l.split(",")[0] ?? "")).filter((f): f is string => f !== null));
    formulas[source] = set;
    if (source !== Source.USER) for (const f of set) trainFormulas.add(f);
  }
  return { formulas };
}
