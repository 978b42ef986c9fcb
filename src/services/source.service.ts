import type { DataSource } from "typeorm";
import { SOURCES, type Source } from "../domain/source";
import type { IngestRunStatus, SkippedRecord } from "../store/ingest-run.entity";

export interface SourceSummary {
  readonly source: Source;
  readonly entryCount: number;
  readonly materialCount: number;
  readonly lastIngestAt: Date | null;
  readonly release: string | null;
}

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
  readonly skippedRecords: SkippedRecord[];
  readonly error: string | null;
}

export async function summariseSources(dataSource: DataSource): Promise<SourceSummary[]> {
  const counts: Array<{ source: Source; entries: number; materials: number }> = await dataSource.query(
    `SELECT source, count(*)::int AS entries, count(DISTINCT material_id)::int AS materials FROM entries GROUP BY source`,
  );
  const runs: Array<{ source: Source; last: Date; release: string | null }> = await dataSource.query(
    `SELECT DISTINCT ON (source) source, COALESCE(finished_at, started_at) AS last, release
     FROM ingest_runs WHERE status = 'succeeded' ORDER BY source, started_at DESC`,
  );
  const countBy = new Map(counts.map((c) => [c.source, c]));
  const runBy = new Map(runs.map((r) => [r.source, r]));
  return SOURCES.map((source) => ({
    source,
    entryCount: countBy.get(source)?.entries ?? 0,
    materialCount: countBy.get(source)?.materials ?? 0,
    lastIngestAt: runBy.get(source)?.last ?? null,
    release: runBy.get(source)?.release ?? null,
  }));
}

export async function listIngestRuns(dataSource: DataSource, limit: number): Promise<IngestRunRecord[]> {
  return dataSource.query(
    `SELECT id, source, kind, target, status, release, started_at AS "startedAt", finished_at AS "finishedAt",
            fetched, inserted, updated, unchanged, skipped, skipped_records AS "skippedRecords", error
     FROM ingest_runs ORDER BY id DESC LIMIT $1`,
    [limit],
  );
}
