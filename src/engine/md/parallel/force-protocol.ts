/**
 * What the main thread and the force workers share: the layout of the control block
 * (an Int32Array over a SharedArrayBuffer, driven with Atomics.wait/notify, never
 * postMessage per step) and the messages that hand over buffers when they are
 * reallocated (after neighbour-list growth only).
 */
import type { MessagePort } from "node:worker_threads";
import type { BinnedAtoms } from "../neighbor/pair-search.kernel";
import type { KernelParams } from "./pair-kernels";

/** Control-block slots (Int32 indices). */
export const CTRL = {
  /** Bumped by the main thread to start a command; workers wait on it. */
  generation: 0,
  command: 1,
  /** Bit 0: energy, bit 1: virial. */
  flags: 2,
  /** Version of the buffers the command needs; a worker behind it reads the port first. */
  buffersVersion: 3,
  /** Workers that finished the command; the main thread waits on it. */
  done: 4,
  /** Set by a worker whose command threw; its message follows on the port. */
  failed: 5,
  /** Extended atoms (locals + ghosts) this step. */
  nTotal: 6,
  /** Local atoms. */
  nLocal: 7,
  /** Bin grid of the current neighbour-list build (pair search). */
  gridNbx: 8,
  gridNby: 9,
  gridNbz: 10,
  stencilLength: 11,
  /**
   * Per-thread block of THREAD_SLOTS ints from here: the locals range [i0, i1) of the
   * pair loops, for the pair search the thread's region of the list [base, limit) and
   * its end offset, the owner range (locals [o0, o1), their ghosts [g0, g1)) of the
   * per-atom passes, and the first local and first ghost the thread's pair loops can
   * write (a half-list pair (i, j) has j > i, or j a ghost whose owner is ≥ i).
   */
  perThread: 16,
} as const;

export const THREAD_SLOTS = 11;
export const SLOT = {
  i0: 0,
  i1: 1,
  listBase: 2,
  listLimit: 3,
  listEnd: 4,
  o0: 5,
  o1: 6,
  g0: 7,
  g1: 8,
  writesLocalsFrom: 9,
  writesGhostsFrom: 10,
} as const;

export const COMMAND = {
  ljForces: 1,
  eamDensities: 2,
  eamForces: 3,
  pairSearch: 4,
  /** Sum the threads' force buffers and fold ghosts onto owners, per owner range. */
  reduceForces: 5,
  /** Sum and fold densities, embed, copy F'(ρ) to ghosts, per owner range. */
  eamEmbed: 6,
  /** Ghost positions and largest displacement since the last build, per owner range. */
  refreshGhosts: 7,
  quit: 9,
} as const;

/** Float64 scalars shared with the workers (ForceWorkerBuffers.scalars). */
export const SCALAR = {
  /** (cutoff + skin)² of the list. */
  rangeSq: 0,
  /** Cell matrix h, 9 entries from here. */
  cell: 1,
  /** Per thread, THREAD_SCALARS entries from here: largest squared displacement, embedding energy. */
  perThread: 10,
} as const;

export const THREAD_SCALARS = 2;

export function scalarsLength(threads: number): number {
  return SCALAR.perThread + THREAD_SCALARS * threads;
}

export const FLAG_ENERGY = 1;
export const FLAG_VIRIAL = 2;

export function controlLength(threads: number): number {
  return CTRL.perThread + THREAD_SLOTS * threads;
}

/** Sent once, as workerData. */
export interface ForceWorkerInit {
  readonly threadIndex: number;
  readonly control: SharedArrayBuffer;
  readonly params: KernelParams;
  readonly port: MessagePort;
}

/** Sent whenever any shared buffer was reallocated; views are rebuilt from these. */
export interface ForceWorkerBuffers {
  readonly version: number;
  readonly positions: Float64Array;
  readonly types: Int32Array;
  readonly start: Int32Array;
  readonly list: Int32Array;
  /** Every thread's private force buffer (3 per extended atom), in thread order. */
  readonly forces: readonly Float64Array[];
  /** Every thread's private density buffer (EAM; empty for LJ). */
  readonly densities: readonly Float64Array[];
  /** Owner (local index) of each extended atom; ghosts come in owner order. */
  readonly owner: Int32Array;
  /** Image triplet of each extended atom. */
  readonly image: Int8Array;
  /** Local positions at the last list build. */
  readonly refPos: Float64Array;
  /** F'(ρ) of every extended atom (EAM; empty for LJ). */
  readonly embeddingDerivatives: Float64Array;
  /** Energy + 6 virial components per thread. */
  readonly accumulators: Float64Array;
  /** Neighbour-list bins, for the pair search. */
  readonly bins: BinnedAtoms;
  /** Laid out as SCALAR says. */
  readonly scalars: Float64Array;
}
