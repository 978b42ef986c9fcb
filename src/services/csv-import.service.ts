import { createReadStream } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import type { DataSource } from "typeorm";
import { Composition, FormulaError } from "../engine/chem/composition";
import { canonicalUnitOf, PROPERTY_KEYS, toCanonicalValue, type PropertyKey } from "../domain/property-key";
import type { Source } from "../domain/source";
import { InvalidInputError } from "../errors";
import type { SkippedRecord } from "../store/ingest-run.entity";
import type { CanonicalEntry, WriteSummary } from "./canonical-entry";
import { writeEntries } from "./entry-writer";
import { IngestRunRecorder } from "./ingest-run.recorder";

/**
 * Imports the `formula,target` CSV files of the public benchmarks (CrabNet,
 * Matbench): one entry per row under the given source, one property per entry.
 *
 * A row has no id of its own, so its source id is derived from the file
 * (`<folder>/<file>`), the reduced formula and the how-manieth occurrence of that
 * formula in the file: re-importing the same file finds the same entries and
 * changes nothing, and repeated formulas (polymorphs) stay distinct.
 */
export interface CsvImportOptions {
  readonly file: string;
  readonly source: Source;
  readonly key: PropertyKey;
  /** Unit of the file's values; defaults to the key's canonical unit. */
  readonly unit?: string;
  readonly method?: string;
  readonly batchSize?: number;
  readonly onProgress?: (linesRead: number) => void;
}

export interface CsvImportSummary extends WriteSummary {
  readonly runId: number;
  readonly file: string;
  readonly rows: number;
  readonly skipped: readonly SkippedRecord[];
}

const DEFAULT_BATCH = 2000;

export async function importCsv(dataSource: DataSource, options: CsvImportOptions): Promise<CsvImportSummary> {
  const unit = options.unit ?? canonicalUnitOf(options.key);
  if (PROPERTY_KEYS[options.key].isArray) {
    throw new InvalidInputError(`${options.key} holds arrays and cannot be imported from a formula,target CSV`);
  }
  toCanonicalValue(options.key, 1, unit); // a unit of the wrong dimension fails here, before any row is read
  const fileLabel = path.join(path.basename(path.dirname(path.resolve(options.file))), path.basename(options.file));
  const method = options.method ?? "";
  const batchSize = options.batchSize ?? DEFAULT_BATCH;

  const recorder = await IngestRunRecorder.start(dataSource, {
    source: options.source,
    kind: "csv",
    target: fileLabel,
  });
  const skipped: SkippedRecord[] = [];
  const occurrences = new Map<string, number>();
  const totals: WriteSummary = { inserted: 0, updated: 0, unchanged: 0 };
  let rows = 0;
  let batch: CanonicalEntry[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const pending = batch;
    batch = [];
    const summary = await dataSource.transaction((manager) => writeEntries(manager, pending));
    totals.inserted += summary.inserted;
    totals.updated += summary.updated;
    totals.unchanged += summary.unchanged;
    await recorder.progress({ fetched: rows, ...totals, skipped: skipped.length });
  };

  try {
    const lines = createInterface({ input: createReadStream(options.file, { encoding: "utf8" }), crlfDelay: Infinity });
    let lineNumber = 0;
    let header: string[] | undefined;
    for await (const rawLine of lines) {
      lineNumber += 1;
      const line = rawLine.replace(/^\uFEFF/, "").trim();
      if (line === "") continue;
      const cells = line.split(",").map((c) => c.trim());
      if (!header) {
        header = cells.map((c) => c.toLowerCase());
        if (!header.includes("formula") || header.length < 2) {
          throw new InvalidInputError(
            `${fileLabel}: line 1 must be a header naming a "formula" column and a value column, got "${line}"`,
          );
        }
        continue;
      }
      rows += 1;
      const parsed = parseRow(cells, header, lineNumber);
      if ("reason" in parsed) {
        skipped.push(parsed);
        continue;
      }
      const formula = parsed.composition.reducedFormula;
      const occurrence = occurrences.get(formula) ?? 0;
      occurrences.set(formula, occurrence + 1);
      batch.push({
        source: options.source,
        sourceId: `${fileLabel}:${formula}#${occurrence}`,
        formula,
        method: method || undefined,
        raw: { formula: parsed.formulaText, target: parsed.value, line: lineNumber, file: fileLabel },
        properties: [
          {
            key: options.key,
            value: toCanonicalValue(options.key, parsed.value, unit),
            unit: canonicalUnitOf(options.key),
            sourceValue: parsed.value,
            sourceUnit: unit,
            method,
          },
        ],
      });
      if (batch.length >= batchSize) {
        await flush();
        options.onProgress?.(lineNumber);
      }
    }
    if (!header) throw new InvalidInputError(`${fileLabel}: the file is empty`);
    await flush();
    await recorder.finish("succeeded", { fetched: rows, ...totals, skipped: skipped.length }, skipped);
  } catch (error) {
    await recorder.finish("failed", { fetched: rows, ...totals, skipped: skipped.length }, skipped, error);
    throw error;
  }
  return { runId: recorder.runId, file: fileLabel, rows, ...totals, skipped };
}

type ParsedRow = { composition: Composition; formulaText: string; value: number } | SkippedRecord;

function parseRow(cells: string[], header: string[], lineNumber: number): ParsedRow {
  const id = `line ${lineNumber}`;
  if (cells.length !== header.length) {
    return { id, reason: `expected ${header.length} columns, found ${cells.length}` };
  }
  const formulaIndex = header.indexOf("formula");
  const valueIndex = formulaIndex === 0 ? 1 : 0;
  const formulaText = cells[formulaIndex] as string;
  const valueText = cells[valueIndex] as string;
  let composition: Composition;
  try {
    composition = Composition.parse(formulaText);
  } catch (error) {
    if (error instanceof FormulaError) return { id, reason: error.message };
    throw error;
  }
  const value = Number(valueText);
  if (valueText === "" || !Number.isFinite(value)) {
    return { id, reason: `value "${valueText}" is not a number` };
  }
  return { composition, formulaText, value };
}
