/**
 * Force, energy and virial on several threads: the calling thread plus (threads − 1)
 * worker threads, all reading the neighbour list's SharedArrayBuffers in place.
 *
 * Work split: the half list's locals are cut into contiguous ranges holding equal
 * numbers of pairs (recut at every list rebuild). Each thread adds its pairs into
 * a private force buffer, because with Newton's third law a pair writes both atoms
 * and two ranges share neighbours; the calling thread sums the buffers in thread
 * order (deterministic) and folds ghosts onto owners. A full list per thread would
 * avoid the sum but evaluates every pair twice, which costs more than the O(N)
 * reduction at two threads. EAM needs ρ of every neighbour before any force, so it
 * runs as two commands (densities, then forces) with the embedding in between on the
 * calling thread. Synchronisation is Atomics.wait/notify on a control block: two
 * cheap wake-ups per step instead of message round trips.
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
  SLOT,
  THREAD_SLOTS,
} from "./force-protocol";
import { startForceWorker } from "./force-worker.entry";
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
  private forceViews: Float64Array[] = [];
  private densityViews: Float64Array[] = [];
  private embeddingDerivatives: Float64Array = new Float64Array(0);
  private types: Int32Array = new Int32Array(0);
  private typeBuild = -1;
  private version = 0;
  /** Arrays the workers hold views of; any reallocation means sending them again. */
  private sent: ArrayBufferView[] = [];
  private readonly scalars = sharedFloat64(1);
  private bins: BinnedAtoms = EMPTY_BINS;
  private state: "running" | "failed" | "disposed" = "running";

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
    for (let t = 1; t < threads; t++) {
      const { port1, port2 } = new MessageChannel();
      const init: ForceWorkerInit = {
        threadIndex: t,
        control: this.control.buffer as SharedArrayBuffer,
        params: this.params,
        port: port2,
      };
      const worker = startForceWorker(init);
      // A forgotten dispose() must not keep the process alive.
      worker.unref();
      port1.unref();
      this.workers.push(worker);
      this.ports.push(port1);
    }
  }

  memoryBytes(): number {
    const own = [...this.forceViews, ...this.densityViews, this.embeddingDerivatives, this.types, this.accumulators];
    return this.serial.memoryBytes() + own.reduce((s, a) => s + a.byteLength, 0);
  }

  compute(system: AtomSystem, nl: NeighborList, flags: ComputeFlags, out: ForceResult): void {
    if (this.state !== "running") throw new InvalidOptionError(`parallel force field is ${this.state}`);
    if (flags.perAtom === true) {
      this.serial.compute(system, nl, flags, out);
      return;
    }
    if (!nl.shared) throw new InvalidOptionError("parallel forces need a neighbour list built with { shared: true }");
    const n = nl.nLocal;
    const M = nl.nTotal;
    this.ensureCapacity(nl.capacity);
    if (this.typeBuild !== nl.builds) {
      if (this.params.nt > 1) for (let k = 0; k < M; k++) this.types[k] = system.types[nl.owner[k]!]!;
      this.splitRanges(nl);
      this.typeBuild = nl.builds;
    }
    this.syncBuffers(nl);
    const eflag = flags.energy === true;
    const vflag = flags.virial === true;
    const bits = (eflag ? FLAG_ENERGY : 0) | (vflag ? FLAG_VIRIAL : 0);
    const geometry: PairGeometry = { x: nl.extPos, types: this.types, start: nl.start, list: nl.list };
    const c = this.control;
    const i1 = c[CTRL.perThread + SLOT.i1]!;
    const f0 = this.forceViews[0]!;
    const acc = this.accumulators;
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
      this.sumThreadBuffers(this.densityViews, M);
      nl.foldToOwners(rho0, 1);
      const fp = this.embeddingDerivatives;
      embedding = eamEmbedding(p, this.types, n, rho0, fp, eflag, null);
      nl.copyToGhosts(fp, 1);
      this.dispatch(COMMAND.eamForces, bits, M, () => {
        f0.fill(0, 0, 3 * M);
        eamPairForces(p, geometry, fp, 0, i1, f0, eflag, vflag, acc, 0);
      });
    }
    this.sumThreadBuffers(this.forceViews, 3 * M);
    nl.foldToOwners(f0, 3);
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
    const forces = new SharedArrayBuffer(T * 3 * capacity * Float64Array.BYTES_PER_ELEMENT);
    this.forceViews = Array.from({ length: T }, (_, t) => new Float64Array(forces, t * 3 * capacity * 8, 3 * capacity));
    if (this.params.kind === "eam") {
      const rho = new SharedArrayBuffer(T * capacity * Float64Array.BYTES_PER_ELEMENT);
      this.densityViews = Array.from({ length: T }, (_, t) => new Float64Array(rho, t * capacity * 8, capacity));
      this.embeddingDerivatives = sharedFloat64(capacity);
    }
    this.types = this.params.nt > 1 ? sharedInt32(capacity) : new Int32Array(0);
    this.capacity = capacity;
    this.typeBuild = -1;
    this.sent = [];
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
      c[CTRL.perThread + THREAD_SLOTS * t + SLOT.i0] = lo;
      c[CTRL.perThread + THREAD_SLOTS * t + SLOT.i1] = hi;
      lo = hi;
    }
  }

  /**
   * The pair search of a list build, split by equal numbers of locals: thread t writes
   * into its own region of nl.list, then the regions are closed up (memmove) and the
   * start offsets shifted to match.
   */
  searchPairs(nl: NeighborList, bins: BinnedAtoms, shape: BinGridShape): number {
    if (this.state !== "running") throw new InvalidOptionError(`parallel force field is ${this.state}`);
    this.bins = bins;
    this.ensureCapacity(nl.capacity);
    this.scalars[0] = shape.rangeSq;
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
    const region = Math.floor(list.length / T);
    const slot = (t: number, k: number): number => CTRL.perThread + THREAD_SLOTS * t + k;
    for (let t = 0; t < T; t++) {
      c[slot(t, SLOT.i0)] = Math.floor((t * n) / T);
      c[slot(t, SLOT.i1)] = Math.floor(((t + 1) * n) / T);
      c[slot(t, SLOT.listBase)] = t * region;
      c[slot(t, SLOT.listLimit)] = t === T - 1 ? list.length : (t + 1) * region;
    }
    this.dispatch(COMMAND.pairSearch, 0, nl.nTotal, () => {
      c[slot(0, SLOT.listEnd)] = searchPairs(bins, shape, 0, c[slot(0, SLOT.i1)]!, list, 0, region, start);
    });
    let needed = 0;
    let overflow = false;
    for (let t = 0; t < T; t++) {
      const used = c[slot(t, SLOT.listEnd)]! - c[slot(t, SLOT.listBase)]!;
      needed += used;
      if (c[slot(t, SLOT.listEnd)]! > c[slot(t, SLOT.listLimit)]!) overflow = true;
    }
    // The list is cut into equal regions, so one overfull region means growing it all.
    if (overflow) return Math.max(Math.ceil(needed * 1.25), list.length + 1);
    let end = c[slot(0, SLOT.listEnd)]!;
    for (let t = 1; t < T; t++) {
      const base = c[slot(t, SLOT.listBase)]!;
      const tEnd = c[slot(t, SLOT.listEnd)]!;
      const shift = base - end;
      if (shift !== 0) {
        list.copyWithin(end, base, tEnd);
        for (let i = c[slot(t, SLOT.i0)]!, i1 = c[slot(t, SLOT.i1)]!; i < i1; i++) start[i] = start[i]! - shift;
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
        forces: this.forceViews[t]!,
        densities: this.densityViews[t] ?? new Float64Array(0),
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

  /** Wake the workers on `command`, do the calling thread's share, wait for all. */
  private dispatch(command: number, bits: number, nTotal: number, ownShare: () => void): void {
    const c = this.control;
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
    const reasons: string[] = [];
    for (const p of this.ports) {
      for (let m = receiveMessageOnPort(p); m !== undefined; m = receiveMessageOnPort(p))
        reasons.push(String(m.message));
    }
    throw new Error(`parallel force worker failed: ${reasons.join("; ") || "no message"}`);
  }

  /** buffers[0] += buffers[1] + … over the first `length` entries, in thread order. */
  private sumThreadBuffers(buffers: readonly Float64Array[], length: number): void {
    const b0 = buffers[0]!;
    for (let t = 1; t < buffers.length; t++) {
      const bt = buffers[t]!;
      for (let k = 0; k < length; k++) b0[k] = b0[k]! + bt[k]!;
    }
  }
}
