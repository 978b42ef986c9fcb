import type { DataSource } from "typeorm";
import type { Config } from "../config";
import type { Source } from "../domain/source";
import { createAdapter, type AdapterName, runIngest, type IngestSummary } from "../ingest";
import { log } from "../logger";
import type { IngestRunStatus, SkippedRecord } from "../store/ingest-run.entity";

/** Ingest runs as the API and CLI report them, and starting one in the background. */
export interface IngestRunRecord {
  readonly id: number;
  readonly source: Source;
  readonly kind: string;
  readonly target: string;
  readonly status: IngestRunStatus;
  readonly release: string | null;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly fetched: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly skipped: number;
  readonly withdrawn: number;
  readonly total: number | null;
  readonly skippedRecords: SkippedRecord[];
  readonly checkpoint: unknown;
  readonly error: string | null;
}

const RUN_COLUMNS = `id, source, kind, target, status, release, started_at AS "startedAt", finished_at AS "finishedAt",
  fetched, inserted, updated, unchanged, skipped, withdrawn, total, skipped_records AS "skippedRecords", checkpoint, error`;

export async function listIngestRuns(
  dataSource: DataSource,
  query: { source?: Source | null; first: number },
): Promise<IngestRunRecord[]> {
  return query.source
    ? dataSource.query(`SELECT ${RUN_COLUMNS} FROM ingest_runs WHERE source = $1 ORDER BY id DESC LIMIT $2`, [
        query.source,
        query.first,
      ])
    : dataSource.query(`SELECT ${RUN_COLUMNS} FROM ingest_runs ORDER BY id DESC LIMIT $1`, [query.first]);
}

export async function ingestRunById(dataSource: DataSource, id: number): Promise<IngestRunRecord | null> {
  const rows: IngestRunRecord[] = await dataSource.query(`SELECT ${RUN_COLUMNS} FROM ingest_runs WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export interface StartIngestRequest {
  readonly adapter: AdapterName;
  readonly baseUrl?: string;
  readonly file?: string;
  readonly filter?: string;
  readonly limit?: number;
  readonly resume?: boolean;
}

/** Runs in flight in this process; kept so that tests and shutdown can wait for them. */
const active = new Map<number, Promise<IngestSummary | undefined>>();

/**
 * Starts a run and returns its id as soon as its row exists; the run continues in the
 * background and reports through its row (progress, checkpoint, outcome).
 */
export async function startIngestRun(
  dataSource: DataSource,
  config: Config,
  request: StartIngestRequest,
): Promise<number> {
  const adapter = createAdapter(request.adapter, {
    ...(request.baseUrl ? { baseUrl: request.baseUrl } : {}),
    ...(request.file ? { file: request.file } : {}),
    ...(request.filter ? { filter: request.filter } : {}),
    ...(request.adapter === "mp" && config.mpApiKey ? { apiKey: config.mpApiKey } : {}),
  });
  let resolveId: (id: number) => void = () => undefined;
  const started = new Promise<number>((resolve) => (resolveId = resolve));
  const run = runIngest(dataSource, adapter, {
    ...(request.limit !== undefined ? { limit: request.limit } : {}),
    ...(request.resume ? { resume: true } : {}),
    runOptions: { filter: request.filter ?? null, via: "graphql" },
    onRunStarted: resolveId,
  });
  const tracked = run.catch((error: unknown) => {
    log.error(`ingest of ${request.adapter} failed`, error instanceof Error ? error.message : String(error));
    return undefined;
  });
  // A run that fails before its row exists (e.g. the store is down) must not leave the caller waiting.
  const id = await Promise.race([started, run.then(() => -1)]);
  if (id < 0) return (await run).runId;
  active.set(id, tracked);
  void tracked.finally(() => active.delete(id));
  return id;
}

/** Resolves when the given run (or every run of this process) has ended. */
export async function waitForIngestRuns(runId?: number): Promise<void> {
  if (runId !== undefined) {
    await active.get(runId);
    return;
  }
  await Promise.all(active.values());
}
