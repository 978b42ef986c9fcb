import { FeaturizationError } from "../descriptors/descriptor-set";
import type { FeatureMatrix } from "./feature-matrix";

/**
 * `formula,target` tables (the CrabNet and Matbench CSV layout) parsed from their text,
 * and featurised row by row: a row that cannot be featurised is reported with its line
 * and reason, never fatal.
 */
export interface FormulaRow {
  readonly line: number;
  readonly formula: string;
  readonly target: number;
  /** Optional extra label column (e.g. a material class), when the CSV has one. */
  readonly label?: string;
}

export interface FailedRow {
  readonly line: number;
  readonly formula: string;
  readonly reason: string;
}

export class DatasetError extends Error {
  readonly code = "BAD_DATASET";
  constructor(message: string) {
    super(message);
    this.name = "DatasetError";
  }
}

function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Rows of a CSV with a header naming a formula column (`formula`, `composition` or
 * `material`) and a target column (`target` or the second column). Rows whose target is
 * not a number go to `failed`.
 */
export function parseFormulaCsv(text: string): { rows: FormulaRow[]; failed: FailedRow[] } {
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? "").map((h) => h.trim().toLowerCase());
  const fCol = header.findIndex((h) => h === "formula" || h === "composition" || h === "material");
  if (fCol < 0) throw new DatasetError(`no formula column in header "${lines[0] ?? ""}"`);
  let tCol = header.indexOf("target");
  if (tCol < 0) tCol = fCol === 0 ? 1 : 0;
  const lCol = header.findIndex((h) => h === "class" || h === "label" || h === "material_class");
  const rows: FormulaRow[] = [];
  const failed: FailedRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i] as string;
    if (raw.trim() === "") continue;
    const cells = splitCsvLine(raw);
    const formula = (cells[fCol] ?? "").trim();
    const cell = (cells[tCol] ?? "").trim();
    const target = cell === "" ? NaN : Number(cell);
    if (!Number.isFinite(target)) {
      failed.push({ line: i + 1, formula, reason: `target "${cell}" is not a number` });
      continue;
    }
    const label = lCol >= 0 ? (cells[lCol] ?? "").trim() : undefined;
    rows.push(label === undefined ? { line: i + 1, formula, target } : { line: i + 1, formula, target, label });
  }
  return { rows, failed };
}

export interface Featurizer {
  readonly info: { readonly features: readonly unknown[] };
  featurize(formula: string, out?: Float64Array): Float64Array;
}

/** Descriptors of every row that featurises, the rows kept (same order) and the failures. */
export function featurizeRows(
  featurizer: Featurizer,
  rows: readonly FormulaRow[],
): { x: FeatureMatrix; y: Float64Array; kept: FormulaRow[]; failed: FailedRow[] } {
  const m = featurizer.info.features.length;
  const data = new Float64Array(rows.length * m);
  const kept: FormulaRow[] = [];
  const failed: FailedRow[] = [];
  for (const row of rows) {
    try {
      featurizer.featurize(row.formula, data.subarray(kept.length * m, (kept.length + 1) * m));
      kept.push(row);
    } catch (err) {
      if (!(err instanceof FeaturizationError)) throw err;
      failed.push({ line: row.line, formula: row.formula, reason: err.reason });
    }
  }
  return {
    x: { rows: kept.length, cols: m, data: data.slice(0, kept.length * m) },
    y: Float64Array.from(kept, (r) => r.target),
    kept,
    failed,
  };
}
