import { createHash } from "node:crypto";
import PgBoss from "pg-boss";
import type { DataSource } from "typeorm";
import type { JobSettings } from "../config";
import { InvalidInputError, MatGraphError, NotFoundError } from "../errors";
import { queryRows } from "../store/sql";
import { JOB_COLUMNS, type JobRecord, type JobState } from "./job-record";

export const COMPUTE_QUEUE = "matgraph-compute";

export class TooManyJobsError extends MatGraphError {
  readonly code = "TOO_MANY_JOBS";
}

/** JSON with sorted keys, so that equal requests hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function inputHash(kind: string, input: Record<string, unknown>): string {
  return createHash("sha256").update(kind).update("\0").update(canonicalJson(input)).digest("hex");
}

export interface JobFilter {
  readonly states?: readonly JobState[] | null;
  readonly kinds?: readonly string[] | null;
  readonly materialId?: number | null;
  readonly first?: number;
}

/**
 * How often pg-boss retries a job and when it gives up on a silent worker. Each job is
 * sent with the policy of the server that queues it: the queue keeps the settings it was
 * first created with (pg-boss creates a queue once and leaves an existing one as it is),
 * so a changed MATGRAPH_JOB_EXPIRE_SECONDS or MATGRAPH_JOB_MAX_ATTEMPTS would otherwise
 * never reach the jobs.
 */
function retryPolicy(settings: JobSettings): { retryLimit: number; retryDelay: number; expireInSeconds: number } {
  return { retryLimit: settings.maxAttempts - 1, retryDelay: 1, expireInSeconds: settings.expireSeconds };
}

/**
 * Jobs as the API sees them. A job is a row in `jobs` (what users query and
 * subscribe to) plus a message in pg-boss's queue (what workers fetch, retry and
 * expire). Identical requests share one row: a queued, running or finished one is
 * returned instead of a new job.
 */
export class JobQueue {
  private constructor(
    private readonly dataSource: DataSource,
    readonly boss: PgBoss,
    private readonly settings: JobSettings,
  ) {}

  static async start(dataSource: DataSource, connectionString: string, settings: JobSettings): Promise<JobQueue> {
    const boss = new PgBoss({
      connectionString,
      max: 3,
      maintenanceIntervalSeconds: settings.maintenanceSeconds,
      schedule: false,
    });
    boss.on("error", () => undefined); // surfaced through the calls that fail; the event would crash the process otherwise
    await boss.start();
    await boss.createQueue(COMPUTE_QUEUE, { name: COMPUTE_QUEUE, ...retryPolicy(settings) });
    return new JobQueue(dataSource, boss, settings);
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true });
  }

  /** Returns the job for this request: an existing identical one, or a new queued one. */
  async submit(
    kind: string,
    input: Record<string, unknown>,
    options: { client: string; materialId?: number | null },
  ): Promise<{ job: JobRecord; isNew: boolean }> {
    const hash = inputHash(kind, input);
    const existing = await this.findLive(hash);
    if (existing) return { job: existing, isNew: false };
    const [{ n: open }] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM jobs WHERE client = $1 AND state IN ('QUEUED','RUNNING')`,
      [options.client],
    );
    if (open >= this.settings.maxPerClient) {
      throw new TooManyJobsError(
        `${open} of your jobs are queued or running; the limit is ${this.settings.maxPerClient}: wait for one to finish or cancel one`,
      );
    }
    const inserted: JobRecord[] = await this.dataSource.query(
      `INSERT INTO jobs (kind, input, input_hash, client, material_id, max_attempts)
       VALUES ($1, $2::jsonb, $3, $4, $5, $6)
       ON CONFLICT (input_hash) WHERE state IN ('QUEUED','RUNNING','SUCCEEDED') DO NOTHING
       RETURNING ${JOB_COLUMNS}`,
      [kind, JSON.stringify(input), hash, options.client, options.materialId ?? null, this.settings.maxAttempts],
    );
    const job = inserted[0];
    if (!job) {
      const raced = await this.findLive(hash);
      if (raced) return { job: raced, isNew: false };
      throw new Error("job insert conflicted but no live job was found");
    }
    try {
      await this.boss.send(COMPUTE_QUEUE, { jobId: job.id }, retryPolicy(this.settings));
    } catch (error) {
      await this.dataSource.query(
        `UPDATE jobs SET state = 'FAILED', error = $2, finished_at = now(), updated_at = clock_timestamp() WHERE id = $1`,
        [job.id, "could not be queued"],
      );
      throw error;
    }
    return { job, isNew: true };
  }

  async get(id: string): Promise<JobRecord | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new InvalidInputError(`job id must be a UUID, got "${id}"`);
    const [row] = await this.dataSource.query(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = $1`, [id]);
    return (row as JobRecord | undefined) ?? null;
  }

  async list(filter: JobFilter): Promise<JobRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.states?.length) where.push(`state = ANY($${params.push(filter.states)}::text[])`);
    if (filter.kinds?.length) where.push(`kind = ANY($${params.push(filter.kinds)}::text[])`);
    if (filter.materialId != null) where.push(`material_id = $${params.push(filter.materialId)}`);
    params.push(filter.first ?? 50);
    return this.dataSource.query(
      `SELECT ${JOB_COLUMNS} FROM jobs ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY created_at DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** Cancels a queued or running job; a running one stops at its worker's next check, storing nothing. */
  async cancel(id: string): Promise<JobRecord> {
    const job = await this.get(id);
    if (!job) throw new NotFoundError(`no job with id ${id}`);
    const [row] = await queryRows<JobRecord>(
      this.dataSource,
      `UPDATE jobs SET state = 'CANCELLED', finished_at = now(), message = 'cancelled', updated_at = clock_timestamp()
       WHERE id = $1 AND state IN ('QUEUED','RUNNING') RETURNING ${JOB_COLUMNS}`,
      [id],
    );
    if (!row) throw new InvalidInputError(`job ${id} has already ended (${job.state}) and cannot be cancelled`);
    return row;
  }

  private async findLive(hash: string): Promise<JobRecord | null> {
    const [row] = await this.dataSource.query(
      `SELECT ${JOB_COLUMNS} FROM jobs WHERE input_hash = $1 AND state IN ('QUEUED','RUNNING','SUCCEEDED')`,
      [hash],
    );
    return (row as JobRecord | undefined) ?? null;
  }
}
