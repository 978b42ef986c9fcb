import type { DataSource, EntityManager } from "typeorm";
import type { CanonicalProperty } from "../../services/canonical-entry";

/**
 * One kind of on-demand computation. `run` executes in a compute thread, away
 * from the worker's event loop, and touches no database: its input is plain JSON
 * prepared by the simulation service (files already read), its output is the
 * summary shown to users and the properties stored under source SIMULATION.
 */
export interface RunControl {
  readonly signal?: AbortSignal;
  readonly onProgress?: (fraction: number, message?: string) => void;
}

export interface ComputationOutput {
  readonly summary: Record<string, unknown>;
  readonly properties: readonly CanonicalProperty[];
  /** Extra provenance kept in the stored entry's raw payload. */
  readonly provenance?: Record<string, unknown>;
  /** What the computation's own `store` hook keeps (a model bundle, a report); never part of the job result. */
  readonly artifact?: unknown;
}

export interface StoredJob {
  readonly jobId: string;
  readonly kind: string;
  readonly input: Record<string, unknown>;
}

export interface Computation {
  readonly kind: string;
  run(input: Record<string, unknown>, control: RunControl): ComputationOutput | Promise<ComputationOutput>;
  /**
   * Optional, in the worker before the thread starts: reads what the run needs from the
   * store (e.g. training rows) and returns the thread's input, so that the job's own
   * input stays a small request.
   */
  prepare?(dataSource: DataSource, input: Record<string, unknown>): Promise<Record<string, unknown>>;
  /**
   * Optional, inside the transaction that stores the result (only when this attempt still
   * owns the job): keeps what is not a property, e.g. a model in the registry. Returns
   * fields added to the job's result summary.
   */
  store?(
    manager: EntityManager,
    output: ComputationOutput,
    job: StoredJob,
  ): Promise<Record<string, unknown> | undefined>;
}
