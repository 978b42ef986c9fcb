import type { DataSource, EntityManager } from "typeorm";
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

type Executor = Pick<DataSource | EntityManager, "query">;

/** What a resumed run picks up from the run it continues. */
export interface ResumePoint {
  readonly recorder: IngestRunRecorder;
  readonly checkpoint: unknown;
  readonly counts: RunCounts;
  readonly skipped: SkippedRecord[];
}

export class IngestRunRecorder {
  private constructor(
    private readonly dataSource: DataSource,
    readonly runId: number,
  ) {}

  static async start(
    dataSource: DataSource,
    run: { source: Source; kind: string; target: string; release?: string; options?: unknown },
  ): Promise<IngestRunRecorder> {
    const [row] = await dataSource.query(
      `INSERT INTO ingest_runs (source, kind, target, release, options) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id`,
      [
        run.source,
        run.kind,
        run.target,
        run.release ?? null,
        run.options === undefined ? null : JSON.stringify(run.options),
      ],
    );
    return new IngestRunRecorder(dataSource, (row as { id: number }).id);
  }

  /**
   * The newest run of this source and target that stopped before its end (failed,
   * cancelled, or still marked running after a crash) and left a checkpoint, provided
   * no run of the same target succeeded after it. Its row is reopened and continued.
   */
  static async resume(
    dataSource: DataSource,
    run: { source: Source; target: string },
  ): Promise<ResumePoint | undefined> {
    const rows: Array<{
      id: number;
      checkpoint: unknown;
      fetched: number;
      inserted: number;
      updated: number;
      unchanged: number;
      skipped: number;
      skipped_records: SkippedRecord[];
    }> = await dataSource.query(
      `SELECT r.id, r.checkpoint, r.fetched, r.inserted, r.updated, r.unchanged, r.skipped, r.skipped_records
       FROM ingest_runs r
       WHERE r.source = $1 AND r.target = $2 AND r.status IN ('failed', 'cancelled', 'running') AND r.checkpoint IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM ingest_runs s WHERE s.source = r.source AND s.target = r.target
                           AND s.status = 'succeeded' AND s.id > r.id)
       ORDER BY r.id DESC LIMIT 1`,
      [run.source, run.target],
    );
    const row = rows[0];
    if (!row) return undefined;
    await dataSource.query(
      `UPDATE ingest_runs SET status = 'running', finished_at = NULL, error = NULL WHERE id = $1`,
      [row.id],
    );
    return {
      recorder: new IngestRunRecorder(dataSource, row.id),
      checkpoint: row.checkpoint,
      counts: {
        fetched: row.fetched,
        inserted: row.inserted,
        updated: row.updated,
        unchanged: row.unchanged,
        skipped: row.skipped,
      },
      skipped: row.skipped_records ?? [],
    };
  }

  async progress(
    counts: RunCounts,
    checkpoint?: unknown,
    skipped?: readonly SkippedRecord[],
    executor: Executor = this.dataSource,
  ): Promise<void> {
    await executor.query(
      `UPDATE ingest_runs SET fetched = $2, inserted = $3, updated = $4, unchanged = $5, skipped = $6,
              checkpoint = COALESCE($7::jsonb, checkpoint), skipped_records = COALESCE($8::jsonb, skipped_records)
       WHERE id = $1`,
      [
        this.runId,
        counts.fetched,
        counts.inserted,
        counts.updated,
        counts.unchanged,
        counts.skipped,
        checkpoint === undefined ? null : JSON.stringify(checkpoint),
        skipped === undefined ? null : JSON.stringify(skipped.slice(0, MAX_SKIPPED_KEPT)),
      ],
    );
  }

  /** The source's database release and the listing's size, once a response states them. */
  async describe(details: { release?: string; total?: number }): Promise<void> {
    await this.dataSource.query(
      `UPDATE ingest_runs SET release = COALESCE($2, release), total = COALESCE($3, total) WHERE id = $1`,
      [this.runId, details.release ?? null, details.total ?? null],
    );
  }

  async finish(
    status: IngestRunStatus,
    counts: RunCounts,
    skipped: readonly SkippedRecord[],
    error?: unknown,
    withdrawn?: number,
  ): Promise<void> {
    await this.progress(counts);
    await this.dataSource.query(
      `UPDATE ingest_runs SET status = $2, finished_at = now(), skipped_records = $3::jsonb, error = $4,
              withdrawn = COALESCE($5, withdrawn)
       WHERE id = $1`,
      [
        this.runId,
        status,
        JSON.stringify(skipped.slice(0, MAX_SKIPPED_KEPT)),
        error === undefined ? null : error instanceof Error ? error.message : String(error),
        withdrawn ?? null,
      ],
    );
  }
}
