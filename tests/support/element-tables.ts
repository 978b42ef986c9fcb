import { readFileSync } from "node:fs";
import { sharedData } from "./shared-data";

/**
 * An element table of the shared data (`elements/<file>`), one record per element symbol
 * (the first column), every other column as a number; empty cells are missing values
 * (NaN), not zeros.
 */
export function readElementTable(file: string): Map<string, Record<string, number>> {
  const lines = readFileSync(sharedData("elements", file), "utf8").trim().split(/\r?\n/);
  const header = (lines[0] as string).split(",");
  const out = new Map<string, Record<string, number>>();
  for (const line of lines.slice(1)) {
    const cells = line.split(",");
    const rec: Record<string, number> = {};
    header.forEach((h, i) => (rec[h] = cells[i] === undefined || cells[i] === "" ? NaN : Number(cells[i])));
    out.set(cells[0] as string, rec);
  }
  return out;
}

/** Spearman's rank correlation of two equally long samples (ties ranked by position). */
export function spearman(a: readonly number[], b: readonly number[]): number {
  const rank = (v: readonly number[]): number[] => {
    const order = v.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(v.length);
    order.forEach(([, i], k) => (r[i] = k));
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const n = a.length;
  let d2 = 0;
  for (let i = 0; i < n; i++) d2 += ((ra[i] as number) - (rb[i] as number)) ** 2;
  return 1 - (6 * d2) / (n * (n * n - 1));
}
