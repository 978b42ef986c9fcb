/**
 * Force, energy and virial on several threads: the calling thread plus (threads − 1)
 * worker threads, all reading the neighbour list's SharedArrayBuffers in place.
 *
 * Work split: the half list's locals are cut into contiguous ranges holding equal
 * numbers of pairs (recut at every list rebuild). Each thread adds its pairs into
 * a private force buffer, because with Newton's third law a pair writes both atoms
 * and two ranges share neighbours. A full list per thread would avoid the sum but
 * evaluates every pair twice, which costs more than the O(N) reduction at two threads.
 * The per-atom passes are split by owner ranges instead (owner-kernels.ts): summing
 * the buffers in thread order and folding ghosts onto owners, moving the ghosts and
 * checking displacements every step, and for EAM the density sum, embedding and copy
 * of F'(ρ) to ghosts between the density and force pair loops. Each entry gets the
 * serial arithmetic, so the thread count changes only the pair-loop summation order;
 * serial work left per step is the integrator and two copies of 3N doubles.
 * Synchronisation is Atomics.wait/notify on a control block: cheap wake-ups instead
 * of message round trips.
 *
 * Per-atom energies and virials (heat flux, local analysis) are not split: those
 * calls go to the serial force field, which gives the same numbers.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from "node:worker_threads";
import { InvalidOptionError } from "../core/errors";
import type { AtomSystem } from "../core/system";
import type { NeighborList, PairSearchExecutor } from "../neighbor/neighbor-list";
import { type BinGridShape, type BinnedAtoms, searchPairs } from "../neighbor/pair-search.kernel";
import type { ComputeFlags, ForceField, ForceResult } from "../potentials/potential";
import {
  COMMAND,
  controlLength,
  CTRL,
  FLAG_ENERGY,
  FLAG_VIRIAL,
  type ForceWorkerBuffers,
  type ForceWorkerInit,
  SCALAR,
  scalarsLength,
  SLOT,
  THREAD_SCALARS,
  THREAD_SLOTS,
} from "./force-protocol";
import { startForceWorker } from "./force-worker.entry";
import { copyToOwnedGhosts, reduceOwnedRange, refreshOwnedRange, type WriteBounds } from "./owner-kernels";
import {
  ACC_STRIDE,
  eamEmbedding,
  eamPairDensities,
  eamPairForces,
  type KernelParams,
  ljPairForces,
  type PairGeometry,
} from "./pair-kernels";

/** How long the calling thread sleeps between checks that no worker has failed (ms). */
const WAIT_SLICE_MS = 200;

function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(1, length) * Float64Array.BYTES_PER_ELEMENT));
}

function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, length) * Int32Array.BYTES_PER_ELEMENT));
}

const EMPTY_BINS: BinnedAtoms = {
  x: new Float64Array(0),
  binOf: new Int32Array(0),
  binStart: new Int32Array(0),
  sorted: new Int32Array(0),
  sortedKey: new Int32Array(0),
  sortedPos: new Float64Array(0),
  stencil: new Int32Array(0),
};

export class ParallelForceField implements ForceField, PairSearchExecutor {
  readonly cutoff: number;
  private readonly params: KernelParams;
  private readonly control: Int32Array;
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly accumulators: Float64Array;
  private capacity = 0;
  /**
   * Thread t's extended force buffer. Thread 0's is the neighbour list's build scratch
   * (re-read every call, as the list may reallocate it); the workers' are our own.
   */
  private forceViews: Float64Array[] = [];
  /**
   * Thread t's extended density buffer (EAM): the first third of its force buffer
   * (thread 0: of the list's build scratch). ρ is dead once F'(ρ) is known, before
   * the force pass clears that buffer for forces.
   */
  private densityViews: Float64Array[] = [];
  private scratchSource: Float64Array | null = null;
  /**
   * F'(ρ) of every extended atom (EAM): the list's pairScratch, renewed with it. It is
   * computed after the build of each call and read in that call only.
   */
  private embeddingDerivatives: Float64Array = new Float64Array(0);
  private types: Int32Array = new Int32Array(0);
  private typeBuild = -1;
  private ownerBuild = -1;
  private version = 0;
  /** Arrays the workers hold views of; any reallocation means sending them again. */
  private sent: ArrayBufferView[] = [];
  private readonly scalars: Float64Array;
  private bins: BinnedAtoms = EMPTY_BINS;
  /** Pairs each thread found at the last search: the shares of the list regions. */
  private readonly searchCounts: number[];
  private readonly writeBounds: WriteBounds;
  private state: "running" | "failed" | "disposed" = "running";
  /** Why the field failed: workers' messages and exits seen by this thread's event loop. */
  private readonly failures: string[] = [];

  constructor(
    private readonly serial: ForceField,
    readonly threads: number,
  ) {
    if (!Number.isInteger(threads) || threads < 2) {
      throw new InvalidOptionError(`a parallel force field needs an integer thread count ≥ 2, got ${threads}`);
    }
    if (!serial.kernelParams) throw new InvalidOptionError("this force field has no thread-parallel kernels");
    this.cutoff = serial.cutoff;
    this.params = serial.kernelParams();
    this.control = new Int32Array(new SharedArrayBuffer(controlLength(threads) * Int32Array.BYTES_PER_ELEMENT));
    this.accumulators = sharedFloat64(ACC_STRIDE * threads);
    this.scalars = sharedFloat64(scalarsLength(threads));
    this.searchCounts = new Array<number>(threads).fill(1);
    this.writeBounds = { bounds: this.control, offset: CTRL.perThread + SLOT.writesLocalsFrom, stride: THREAD_SLOTS };
    for (let t = 1; t < threads; t++) {
      const { port1, port2 } = new MessageChannel();
      const init: ForceWorkerInit = {
        threadIndex: t,
        control: this.control.buffer as SharedArrayBuffer,
        params: this.params,
        port: port2,
      };
      const worker = startForceWorker(init);
      // A worker that dies between steps (terminated, out of memory, crashed) is seen
      // here; the next dispatch then fails instead of waiting for it. Listening to
      // 'error' also keeps its error from being rethrown as uncaught on this thread.
      worker.on("error", (e: Error) => this.failures.push(`force worker ${t}: ${e.message}`));
      worker.on("exit", (code: number) => {
        if (this.state === "disposed") return;
        this.failures.push(`force worker ${t} exited with code ${code}`);
        Atomics.store(this.control, CTRL.failed, 1);
      });
      // A forgotten dispose() must not keep the process alive.
      worker.unref();
      port1.unref();
      this.workers.push(worker);
      this.ports.push(port1);
    }
  }

  memoryBytes(): number {
    // Density buffers live inside force buffers, thread 0's force buffer and F'(ρ) in
    // the list's build scratch (counted by the list).
    const own = [...this.forceViews.slice(1), this.types, this.accumulators];
    return this.serial.memoryBytes() + own.reduce((s, a) => s + a.byteLength, 0);
  }

  compute(system: AtomSystem, nl: NeighborList, flags: ComputeFlags, out: ForceResult): void {
    this.assertRunning();
    if (flags.perAtom === true) {
      this.serial.compute(system, nl, flags, out);
      return;
    }
    if (!nl.shared) throw new InvalidOptionError("parallel forces need a neighbour list built with { shared: true }");
    const n = nl.nLocal;
    const M = nl.nTotal;
    this.ensureCapacity(nl.capacity);
    this.borrowScratch(nl);
    if (this.typeBuild !== nl.builds) {
      if (this.params.nt > 1) for (let k = 0; k < M; k++) this.types[k] = system.types[nl.owner[k]!]!;
      this.splitRanges(nl);
      this.typeBuild = nl.builds;
    }
    this.splitOwners(nl);
    this.syncBuffers(nl);
    this.control[CTRL.nLocal] = n;
    const eflag = flags.energy === true;
    const vflag = flags.virial === true;
    const bits = (eflag ? FLAG_ENERGY : 0) | (vflag ? FLAG_VIRIAL : 0);
    const geometry: PairGeometry = { x: nl.extPos, types: this.types, start: nl.start, list: nl.list };
    const c = this.control;
    const i1 = c[CTRL.perThread + SLOT.i1]!;
    const o0 = c[CTRL.perThread + SLOT.o0]!;
    const o1 = c[CTRL.perThread + SLOT.o1]!;
    const g0 = c[CTRL.perThread + SLOT.g0]!;
    const g1 = c[CTRL.perThread + SLOT.g1]!;
    const owner = nl.owner;
    const f0 = this.forceViews[0]!;
    const acc = this.accumulators;
    const sc = this.scalars;
    let embedding = 0;
    if (this.params.kind === "lj") {
      const p = this.params;
      this.dispatch(COMMAND.ljForces, bits, M, () => {
        f0.fill(0, 0, 3 * M);
        ljPairForces(p, geometry, 0, i1, f0, eflag, vflag, acc, 0);
      });
    } else {
      const p = this.params;
      const rho0 = this.densityViews[0]!;
      this.dispatch(COMMAND.eamDensities, bits, M, () => {
        rho0.fill(0, 0, M);
        eamPairDensities(p, geometry, 0, i1, rho0);
      });
      const fp = this.embeddingDerivatives;
      this.dispatch(COMMAND.eamEmbed, bits, M, () => {
        reduceOwnedRange(this.densityViews, 1, owner, o0, o1, g0, g1, this.writeBounds);
        sc[SCALAR.perThread + 1] = eamEmbedding(p, this.types, o0, o1, rho0, fp, eflag, null);
        copyToOwnedGhosts(fp, owner, g0, g1);
      });
      for (let t = 0; t < this.threads; t++) embedding += sc[SCALAR.perThread + THREAD_SCALARS * t + 1]!;
      this.dispatch(COMMAND.eamForces, bits, M, () => {
        f0.fill(0, 0, 3 * M);
        eamPairForces(p, geometry, fp, 0, i1, f0, eflag, vflag, acc, 0);
      });
    }
    this.dispatch(COMMAND.reduceForces, bits, M, () => {
      reduceOwnedRange(this.forceViews, 3, owner, o0, o1, g0, g1, this.writeBounds);
    });
    system.forces.set(f0.subarray(0, 3 * n));
    let energy = embedding;
    const v = out.virial;
    v.fill(0);
    for (let t = 0; t < this.threads; t++) {
      energy += acc[ACC_STRIDE * t]!;
      for (let d = 0; d < 6; d++) v[d] = v[d]! + acc[ACC_STRIDE * t + 1 + d]!;
    }
    out.energy = eflag ? energy : 0;
    if (!vflag) v.fill(0);
  }

  /** Stop the workers; resolves when they have exited. */
  async dispose(): Promise<void> {
    if (this.state === "disposed") return;
    this.state = "disposed";
    const c = this.control;
    c[CTRL.command] = COMMAND.quit;
    Atomics.add(c, CTRL.generation, 1);
    Atomics.notify(c, CTRL.generation);
    await Promise.all(this.workers.map((w) => w.terminate()));
    for (const p of this.ports) p.close();
  }

  /** Workers still alive (0 after dispose). */
  get liveWorkers(): number {
    return this.workers.filter((w) => w.threadId >= 0).length;
  }

  private ensureCapacity(capacity: number): void {
    if (capacity <= this.capacity) return;
    const T = this.threads;
    const forces = new SharedArrayBuffer((T - 1) * 3 * capacity * Float64Array.BYTES_PER_ELEMENT);
    this.forceViews = Array.from({ length: T }, (_, t) =>
      t === 0 ? new Float64Array(0) : new Float64Array(forces, (t - 1) * 3 * capacity * 8, 3 * capacity),
    );
    if (this.params.kind === "eam") {
      this.densityViews = Array.from({ length: T }, (_, t) =>
        t === 0 ? new Float64Array(0) : new Float64Array(forces, (t - 1) * 3 * capacity * 8, capacity),
      );
    }
    this.types = this.params.nt > 1 ? sharedInt32(capacity) : new Int32Array(0);
    this.capacity = capacity;
    this.scratchSource = null;
    this.typeBuild = -1;
    this.sent = [];
  }

  /**
   * Thread 0's force (and EAM density) buffer and F'(ρ): views of the list's build
   * scratch, renewed when it is (both scratch arrays are reallocated together).
   */
  private borrowScratch(nl: NeighborList): void {
    const scratch = nl.buildScratch;
    if (scratch === this.scratchSource) return;
    this.scratchSource = scratch;
    this.forceViews[0] = scratch;
    if (this.params.kind === "eam") {
      this.densityViews[0] = new Float64Array(scratch.buffer, scratch.byteOffset, this.capacity);
      this.embeddingDerivatives = nl.pairScratch;
    }
  }

  /** Contiguous ranges of locals with equal pair counts; thread 0 (the caller) takes the first. */
  private splitRanges(nl: NeighborList): void {
    const c = this.control;
    const start = nl.start;
    const n = nl.nLocal;
    const pairs = start[n]!;
    let lo = 0;
    for (let t = 0; t < this.threads; t++) {
      let hi = n;
      if (t < this.threads - 1) {
        const target = Math.round(((t + 1) * pairs) / this.threads);
        // First i whose pairs begin at or after the target.
        let a = lo;
        let b = n;
        while (a < b) {
          const mid = (a + b) >>> 1;
          if (start[mid]! < target) a = mid + 1;
          else b = mid;
        }
        hi = a;
      }
      const slot = CTRL.perThread + THREAD_SLOTS * t;
      c[slot + SLOT.i0] = lo;
      c[slot + SLOT.i1] = hi;
      c[slot + SLOT.writesLocalsFrom] = lo;
      c[slot + SLOT.writesGhostsFrom] = firstGhostOwnedFrom(nl.owner, n, nl.nTotal, lo);
      lo = hi;
    }
  }

  /**
   * Per-atom passes split by owner: locals [o0, o1) and their ghosts [g0, g1), cut so
   * that every thread gets about as many locals + ghosts (ghosts follow their owners
   * in the extended array, so each range is contiguous).
   */
  private splitOwners(nl: NeighborList): void {
    if (this.ownerBuild === nl.builds) return;
    const c = this.control;
    const n = nl.nLocal;
    const M = nl.nTotal;
    const owner = nl.owner;
    const ghostsFrom = (i: number): number => firstGhostOwnedFrom(owner, n, M, i);
    let lo = 0;
    for (let t = 0; t < this.threads; t++) {
      let hi = n;
      if (t < this.threads - 1) {
        // Smallest i with i + (ghosts of owners < i) ≥ the target share.
        const target = Math.round(((t + 1) * M) / this.threads);
        let a = lo;
        let b = n;
        while (a < b) {
          const mid = (a + b) >>> 1;
          if (mid + ghostsFrom(mid) - n < target) a = mid + 1;
          else b = mid;
        }
        hi = a;
      }
      const slot = CTRL.perThread + THREAD_SLOTS * t;
      c[slot + SLOT.o0] = lo;
      c[slot + SLOT.o1] = hi;
      c[slot + SLOT.g0] = ghostsFrom(lo);
      c[slot + SLOT.g1] = t === this.threads - 1 ? M : ghostsFrom(hi);
      lo = hi;
    }
    this.ownerBuild = nl.builds;
  }

  /** Ghost positions and the largest squared displacement since the build, on all threads. */
  refreshGhosts(nl: NeighborList, h: Float64Array): number {
    this.assertRunning();
    this.ensureCapacity(nl.capacity);
    this.splitOwners(nl);
    this.syncBuffers(nl);
    const sc = this.scalars;
    for (let k = 0; k < 9; k++) sc[SCALAR.cell + k] = h[k]!;
    const c = this.control;
    const own = CTRL.perThread;
    this.dispatch(COMMAND.refreshGhosts, 0, nl.nTotal, () => {
      sc[SCALAR.perThread] = refreshOwnedRange(
        nl.extPos,
        nl.refPos,
        nl.owner,
        nl.image,
        sc,
        SCALAR.cell,
        c[own + SLOT.o0]!,
        c[own + SLOT.o1]!,
        c[own + SLOT.g0]!,
        c[own + SLOT.g1]!,
      );
    });
    let max2 = 0;
    for (let t = 0; t < this.threads; t++) max2 = Math.max(max2, sc[SCALAR.perThread + THREAD_SCALARS * t]!);
    return max2;
  }

  /**
   * The pair search of a list build, split by equal numbers of locals: thread t writes
   * into its own region of nl.list, then the regions are closed up (memmove) and the
   * start offsets shifted to match. Regions are sized in proportion to each thread's
   * pair count at the last search: with half lists by index the first locals can own
   * well over 1/T of the pairs (an fcc supercell puts the pairs across the low faces
   * on them), and equal regions then overflowed and grew the whole list. A region
   * that overflows anyway gets its new share and the search runs again; only a list
   * too small in total is returned to the caller to grow.
   */
  searchPairs(nl: NeighborList, bins: BinnedAtoms, shape: BinGridShape): number {
    this.assertRunning();
    this.bins = bins;
    this.ensureCapacity(nl.capacity);
    this.scalars[SCALAR.rangeSq] = shape.rangeSq;
    this.syncBuffers(nl);
    const c = this.control;
    c[CTRL.gridNbx] = shape.nbx;
    c[CTRL.gridNby] = shape.nby;
    c[CTRL.gridNbz] = shape.nbz;
    c[CTRL.stencilLength] = shape.stencilLength;
    const T = this.threads;
    const n = nl.nLocal;
    const list = nl.list;
    const start = nl.start;
    const slot = (t: number, k: number): number => CTRL.perThread + THREAD_SLOTS * t + k;
    const counts = this.searchCounts;
    for (;;) {
      let total = 0;
      for (let t = 0; t < T; t++) total += counts[t]!;
      let base = 0;
      for (let t = 0; t < T; t++) {
        const limit = t === T - 1 ? list.length : base + Math.floor((list.length * counts[t]!) / total);
        c[slot(t, SLOT.i0)] = Math.floor((t * n) / T);
        c[slot(t, SLOT.i1)] = Math.floor(((t + 1) * n) / T);
        c[slot(t, SLOT.listBase)] = base;
        c[slot(t, SLOT.listLimit)] = limit;
        base = limit;
      }
      this.dispatch(COMMAND.pairSearch, 0, nl.nTotal, () => {
        const limit = c[slot(0, SLOT.listLimit)]!;
        c[slot(0, SLOT.listEnd)] = searchPairs(bins, shape, 0, c[slot(0, SLOT.i1)]!, list, 0, limit, start);
      });
      let needed = 0;
      let overflow = false;
      for (let t = 0; t < T; t++) {
        const used = c[slot(t, SLOT.listEnd)]! - c[slot(t, SLOT.listBase)]!;
        counts[t] = Math.max(1, used);
        needed += used;
        if (c[slot(t, SLOT.listEnd)]! > c[slot(t, SLOT.listLimit)]!) overflow = true;
      }
      if (!overflow) break;
      // The next regions hold exactly these counts if the list is long enough.
      if (needed > list.length) return needed;
    }
    let end = c[slot(0, SLOT.listEnd)]!;
    for (let t = 1; t < T; t++) {
      const base = c[slot(t, SLOT.listBase)]!;
      const tEnd = c[slot(t, SLOT.listEnd)]!;
      const shift = base - end;
      if (shift !== 0) {
        list.copyWithin(end, base, tEnd);
        shiftOffsets(start, c[slot(t, SLOT.i0)]!, c[slot(t, SLOT.i1)]!, shift);
      }
      end += tEnd - base;
    }
    // Force ranges are recut for the new list.
    this.typeBuild = -1;
    return end;
  }

  private syncBuffers(nl: NeighborList): void {
    const b = this.bins;
    const current: ArrayBufferView[] = [
      nl.extPos,
      nl.owner,
      nl.image,
      nl.refPos,
      nl.start,
      nl.list,
      b.binOf,
      b.binStart,
      b.sorted,
      b.sortedKey,
      b.sortedPos,
      b.stencil,
      this.types,
      this.embeddingDerivatives,
      ...this.forceViews,
      ...this.densityViews,
    ];
    if (current.length === this.sent.length && current.every((a, k) => a === this.sent[k])) return;
    this.version++;
    for (let t = 1; t < this.threads; t++) {
      const message: ForceWorkerBuffers = {
        version: this.version,
        positions: nl.extPos,
        types: this.types,
        start: nl.start,
        list: nl.list,
        forces: this.forceViews,
        densities: this.densityViews,
        owner: nl.owner,
        image: nl.image,
        refPos: nl.refPos,
        embeddingDerivatives: this.embeddingDerivatives,
        accumulators: this.accumulators,
        bins: b,
        scalars: this.scalars,
      };
      this.ports[t - 1]!.postMessage(message);
    }
    Atomics.store(this.control, CTRL.buffersVersion, this.version);
    this.sent = current;
  }

  private assertRunning(): void {
    if (this.state === "running") return;
    const why = this.failures.length > 0 ? `: ${this.failures.join("; ")}` : "";
    throw new InvalidOptionError(`parallel force field is ${this.state}${why}`);
  }

  /**
   * Wake the workers on `command`, do the calling thread's share, wait for all. A
   * worker whose command throws, or that exits (process.exit, an uncaught error: its
   * boot code's exit hook), raises the failed flag and wakes this thread; one that
   * died between commands in any way (also terminate() or out of memory) is reported
   * by its 'exit' event, which raises the flag too, so the next dispatch fails at once.
   * Limit: a worker killed without running JavaScript during the very command this
   * thread waits for is only seen when the event loop turns, which it cannot while
   * this thread waits; nothing in Node's public API shows it synchronously.
   */
  private dispatch(command: number, bits: number, nTotal: number, ownShare: () => void): void {
    const c = this.control;
    if (Atomics.load(c, CTRL.failed) !== 0) this.fail();
    c[CTRL.command] = command;
    c[CTRL.flags] = bits;
    c[CTRL.nTotal] = nTotal;
    Atomics.store(c, CTRL.done, 0);
    Atomics.add(c, CTRL.generation, 1);
    Atomics.notify(c, CTRL.generation);
    ownShare();
    const others = this.threads - 1;
    for (;;) {
      const done = Atomics.load(c, CTRL.done);
      if (Atomics.load(c, CTRL.failed) !== 0) this.fail();
      if (done >= others) break;
      Atomics.wait(c, CTRL.done, done, WAIT_SLICE_MS);
    }
  }

  private fail(): never {
    this.state = "failed";
    for (const p of this.ports) {
      for (let m = receiveMessageOnPort(p); m !== undefined; m = receiveMessageOnPort(p))
        this.failures.push(String(m.message));
    }
    throw new Error(`parallel force worker failed: ${this.failures.join("; ") || "no message"}`);
  }
}

/** start[i] −= shift for i in [i0, i1): a list region moved down. (Out of line, so the caller stays small for the JIT.) */
function shiftOffsets(start: Int32Array, i0: number, i1: number, shift: number): void {
  for (let i = i0; i < i1; i++) start[i] = start[i]! - shift;
}

/** First ghost (index in [n, M]) whose owner is ≥ i; ghosts are stored in owner order. */
function firstGhostOwnedFrom(owner: Int32Array, n: number, M: number, i: number): number {
  let a = n;
  let b = M;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (owner[mid]! < i) a = mid + 1;
    else b = mid;
  }
  return a;
}
