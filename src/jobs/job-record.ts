export type JobState = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";

export const TERMINAL_STATES: ReadonlySet<JobState> = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

export interface JobRecord {
  readonly id: string;
  readonly kind: string;
  readonly input: Record<string, unknown>;
  readonly state: JobState;
  /** 0–1. */
  readonly progress: number;
  readonly message: string | null;
  readonly result: Record<string, unknown> | null;
  readonly error: string | null;
  readonly materialId: number | null;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly updatedAt: Date;
}

export const JOB_COLUMNS = `id, kind, input, state, progress, message, result, error, material_id AS "materialId", attempts,
  max_attempts AS "maxAttempts", created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt",
  updated_at AS "updatedAt"`;
