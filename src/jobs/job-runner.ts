import type PgBoss from "pg-boss";
import type { DataSource } from "typeorm";
import type { JobSettings } from "../config";
import { Source } from "../domain/source";
import { log } from "../logger";
import { writeEntries } from "../services/entry-writer";
import { queryRows } from "../store/sql";
import type { ComputationOutput } from "./computations/computation";
import { COMPUTATIONS } from "./computations";
import { ComputeAbortedError, runInThread } from "./compute-pool";
import { COMPUTE_QUEUE } from "./job-queue";

interface ClaimedJob {
  kind: string;
  input: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
  inputHash: string;
}

const PROGRESS_WRITE_MS = 250;

/**
 * A worker: fetches jobs from pg-boss and runs each in a compute thread. The
 * result is written in one transaction that first checks this attempt still owns
 * the job, so a cancelled, expired or superseded attempt stores nothing, and a
 * worker that dies leaves the job to pg-boss's expiry and retry.
 */
export class JobRunner {
  private workIds: string[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly boss: PgBoss,
    private readonly settings: JobSettings,
  ) {}

  async start(): Promise<void> {
    for (let i = 0; i < this.settings.workerConcurrency; i++) {
      const id = await this.boss.work<{ jobId: string }>(
        COMPUTE_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: this.settings.pollSeconds },
        async (jobs) => {
          for (const job of jobs) await this.handle(job.data.jobId);
        },
      );
      this.workIds.push(id);
    }
  }

  async stop(): Promise<void> {
    for (const id of this.workIds) await this.boss.offWork({ id });
    this.workIds = [];
  }

  private async handle(jobId: string): Promise<void> {
    const [claimed] = await queryRows<ClaimedJob>(
      this.dataSource,
      `UPDATE jobs SET state = 'RUNNING', attempts = attempts + 1, started_at = COALESCE(started_at, now()),
              progress = 0, message = 'started', error = NULL, updated_at = clock_timestamp()
       WHERE id = $1 AND state IN ('QUEUED','RUNNING')
       RETURNING kind, input, attempts, max_attempts AS "maxAttempts", input_hash AS "inputHash"`,
      [jobId],
    );
    if (!claimed) return; // cancelled or finished before this attempt began
    const attempt = claimed.attempts;
    const controller = new AbortController();
    const wallTimer = setTimeout(() => controller.abort("wall-time"), this.settings.wallSeconds * 1000);
    const ownershipTimer = setInterval(() => {
      void this.ownsJob(jobId, attempt).then(
        (owns) => owns || controller.abort("cancelled"),
        () => undefined,
      );
    }, this.settings.pollSeconds * 1000);
    let lastProgressWrite = 0;
    const onProgress = (fraction: number, message?: string) => {
      const now = Date.now();
      if (now - lastProgressWrite < PROGRESS_WRITE_MS) return;
      lastProgressWrite = now;
      void this.dataSource
        .query(
          `UPDATE jobs SET progress = $3, message = COALESCE($4, message), updated_at = clock_timestamp()
           WHERE id = $1 AND attempts = $2 AND state = 'RUNNING'`,
          [jobId, attempt, Math.max(0, Math.min(1, fraction)), message ?? null],
        )
        .catch(() => undefined);
    };

    try {
      const prepare = COMPUTATIONS[claimed.kind]?.prepare;
      const threadInput = prepare ? await prepare(this.dataSource, claimed.input) : claimed.input;
      const output = await runInThread(claimed.kind, threadInput, { signal: controller.signal, onProgress });
      await this.storeResult(jobId, attempt, claimed, output);
    } catch (error) {
      if (error instanceof ComputeAbortedError && controller.signal.reason === "cancelled") return;
      const wallTime = error instanceof ComputeAbortedError && controller.signal.reason === "wall-time";
      const message = wallTime
        ? `wall time of ${this.settings.wallSeconds} s exceeded`
        : error instanceof Error
          ? error.message
          : String(error);
      const isFinal = wallTime || attempt >= claimed.maxAttempts;
      await this.dataSource.query(
        `UPDATE jobs SET state = $3, error = $4, message = $5, finished_at = CASE WHEN $3 = 'FAILED' THEN now() END,
                updated_at = clock_timestamp()
         WHERE id = $1 AND attempts = $2 AND state = 'RUNNING'`,
        [
          jobId,
          attempt,
          isFinal ? "FAILED" : "QUEUED",
          message,
          isFinal ? "failed" : `attempt ${attempt} failed; retrying`,
        ],
      );
      log.warn(`job ${jobId} attempt ${attempt} failed: ${message}`);
      if (!isFinal) throw error; // pg-boss retries it
    } finally {
      clearTimeout(wallTimer);
      clearInterval(ownershipTimer);
    }
  }

  private async ownsJob(jobId: string, attempt: number): Promise<boolean> {
    const [row] = await this.dataSource.query(`SELECT state, attempts FROM jobs WHERE id = $1`, [jobId]);
    return row?.state === "RUNNING" && row.attempts === attempt;
  }

  private async storeResult(jobId: string, attempt: number, job: ClaimedJob, output: ComputationOutput): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query(`SELECT state, attempts FROM jobs WHERE id = $1 FOR UPDATE`, [jobId]);
      if (row?.state !== "RUNNING" || row.attempts !== attempt) return; // cancelled or superseded: store nothing
      const formula = job.input["formula"];
      if (output.properties.length > 0 && typeof formula === "string") {
        await writeEntries(manager, [
          {
            source: Source.SIMULATION,
            sourceId: `${job.kind}:${job.inputHash.slice(0, 16)}`,
            formula,
            method: job.kind,
            raw: {
              jobId,
              kind: job.kind,
              input: job.input,
              summary: output.summary,
              provenance: output.provenance ?? null,
            },
            properties: output.properties,
          },
        ]);
      }
      const store = COMPUTATIONS[job.kind]?.store;
      const stored = store ? await store(manager, output, { jobId, kind: job.kind, input: job.input }) : undefined;
      await manager.query(
        `UPDATE jobs SET state = 'SUCCEEDED', progress = 1, message = 'done', result = $2::jsonb, finished_at = now(),
                updated_at = clock_timestamp()
         WHERE id = $1`,
        [jobId, JSON.stringify(stored ? { ...output.summary, ...stored } : output.summary)],
      );
    });
  }
}
