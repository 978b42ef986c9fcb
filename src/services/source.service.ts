import type { DataSource } from "typeorm";
import { SOURCES, type Source } from "../domain/source";

export interface SourceSummary {
  readonly source: Source;
  readonly entryCount: number;
  readonly materialCount: number;
  readonly lastIngestAt: Date | null;
  readonly release: string | null;
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
