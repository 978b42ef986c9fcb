import type { DataSource, EntityManager } from "typeorm";
import { canonicalUnitOf, type PropertyKey } from "../../domain/property-key";
import type { Source } from "../../domain/source";
import { loadSourceRows, type SourceRow } from "../../services/model-data.service";
import { runTransferExperiment, type TransferReport } from "../../services/transfer-experiment.service";
import { TransferReportStore } from "../../services/transfer-report.service";
import type { Computation, ComputationOutput, RunControl, StoredJob } from "./computation";

/**
 * `ml.transfer`: a transfer experiment (see transfer-experiment.service.ts) on the
 * store's values of one property, its report and parity plot kept in `transfer_reports`.
 */
export interface TransferJobInput {
  readonly key: PropertyKey;
  readonly trainSources: Source[];
  readonly testSource: Source;
  readonly model: string;
  readonly params: Record<string, unknown>;
  readonly data: { readonly values: number; readonly fingerprint: string };
}

async function prepare(dataSource: DataSource, raw: Record<string, unknown>): Promise<Record<string, unknown>> {
  const input = raw as unknown as TransferJobInput;
  return { ...raw, rows: await loadSourceRows(dataSource, input.key, [...input.trainSources, input.testSource]) };
}

async function run(raw: Record<string, unknown>, control: RunControl): Promise<ComputationOutput> {
  const input = raw as unknown as TransferJobInput & { rows: SourceRow[] };
  const { report, svg } = await runTransferExperiment({
    key: input.key,
    unit: canonicalUnitOf(input.key),
    trainSources: input.trainSources,
    testSource: input.testSource,
    modelKind: input.model,
    params: input.params,
    rows: input.rows,
    onProgress: (fraction, message) => control.onProgress?.(fraction, message),
  });
  return {
    summary: {
      key: report.key,
      unit: report.unit,
      model: report.modelKind,
      testSource: report.testSource,
      excludedOverlap: report.excludedOverlap,
      rowsBySource: report.rowsBySource,
      pairs: report.pairs.map(({ trainSources, testSource, trainRows, testRows, mae, rmse, r2 }) => ({
        trainSources,
        testSource,
        trainRows,
        testRows,
        mae,
        rmse,
        r2,
      })),
    },
    properties: [],
    artifact: { report, svg },
  };
}

async function store(
  manager: EntityManager,
  output: ComputationOutput,
  job: StoredJob,
): Promise<Record<string, unknown>> {
  const { report, svg } = output.artifact as { report: TransferReport; svg: string };
  const record = await new TransferReportStore(manager).insert(report, svg, job.jobId);
  return { reportId: record.id };
}

export const transferComputation: Computation = { kind: "ml.transfer", run, prepare, store };
