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
}

export interface Computation {
  readonly kind: string;
  run(input: Record<string, unknown>, control: RunControl): ComputationOutput | Promise<ComputationOutput>;
}
