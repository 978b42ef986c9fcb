import type { DataSource } from "typeorm";
import type { Source } from "../domain/source";
import type { IngestRunStatus, SkippedRecord } from "../store/ingest-run.entity";

export interface RunCounts {
  fetched: number;
  inserted: number;
  updated: number;
  unchanged: number;
  skipped: number;
}

/** Keeps a run's row in ingest_runs current, so that progress is visible while it runs and after a crash. */
const MAX_SKIPPED_KEPT = 1000;

export class IngestRunRecorder {
  private constructor(
    private readonly dataSource: DataSource,
    readonly runId: number,
  ) {}

  static async start(
    dataSource: DataSource,
    run: { source: Source; kind: string; target: string; release?: string },
  ): Promise<IngestRunRecorder> {
    const [row] = await dataSource.query(
      `INSERT INTO ingest_runs (source, kind, target, release) VALUES ($1, $2, $3, $4) RETURNING id`,
      [run.source, run.kind, run.target, run.release ?? null],
    );
    return new IngestRunRecorder(dataSource, (row as { id: number }).id);
  }

  async progress(counts: RunCounts, checkpoint?: unknown): Promise<void> {
    await this.dataSource.query(
      `UPDATE ingest_runs SET fetched = $2, inserted = $3, updated = $4, unchanged = $5, skipped = $6,
              checkpoint = COALESCE($7::jsonb, checkpoint)
       WHERE id = $1`,
      [
        this.runId,
        counts.fetched,
        counts.inserted,
        counts.updated,
        counts.unchanged,
        counts.skipped,
        checkpoint === undefined ? null : JSON.stringify(checkpoint),
      ],
    );
  }

  async finish(
    status: IngestRunStatus,
    counts: RunCounts,
    skipped: readonly SkippedRecord[],
    error?: unknown,
  ): Promise<void> {
    await this.progress(counts);
    await this.dataSource.query(
      `UPDATE ingest_runs SET status = $2, finished_at = now(), skipped_records = $3::jsonb, error = $4 WHERE id = $1`,
      [
        this.runId,
        status,
        JSON.stringify(skipped.slice(0, MAX_SKIPPED_KEPT)),
        error === undefined ? null : error instanceof Error ? error.message : String(error),
      ],
    );
  }
}
