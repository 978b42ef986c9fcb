/**
 * Force worker thread: sleeps on the control block, runs its share of a pair loop
 * when the main thread bumps the generation, reports done, sleeps again. It never
 * returns to its event loop while alive, so buffer hand-overs are read synchronously
 * with receiveMessageOnPort.
 */
import { receiveMessageOnPort, workerData } from "node:worker_threads";
import { searchPairs } from "../neighbor/pair-search.kernel";
import {
  COMMAND,
  CTRL,
  FLAG_ENERGY,
  FLAG_VIRIAL,
  type ForceWorkerBuffers,
  type ForceWorkerInit,
  SCALAR,
  SLOT,
  THREAD_SCALARS,
  THREAD_SLOTS,
} from "./force-protocol";
import {
  clearWritable,
  copyToOwnedGhosts,
  reduceOwnedRange,
  refreshOwnedRange,
  type WriteBounds,
} from "./owner-kernels";
import {
  ACC_STRIDE,
  eamEmbedding,
  eamPairDensities,
  eamPairForces,
  ljPairForces,
  type PairGeometry,
} from "./pair-kernels";

const init = workerData as ForceWorkerInit;
const ctrl = new Int32Array(init.control);
const t = init.threadIndex;
const writeBounds: WriteBounds = { bounds: ctrl, offset: CTRL.perThread + SLOT.writesLocalsFrom, stride: THREAD_SLOTS };
let buffers: ForceWorkerBuffers | null = null;
let geometry: PairGeometry | null = null;

function syncBuffers(): void {
  const wanted = Atomics.load(ctrl, CTRL.buffersVersion);
  while (buffers === null || buffers.version !== wanted) {
    const m = receiveMessageOnPort(init.port);
    // The main thread posts before it bumps the generation, so the message is already queued.
    if (m === undefined) throw new Error(`force worker ${t}: buffers version ${wanted} was not delivered`);
    buffers = m.message as ForceWorkerBuffers;
    geometry = { x: buffers.positions, types: buffers.types, start: buffers.start, list: buffers.list };
  }
}

function run(command: number): void {
  syncBuffers();
  const b = buffers!;
  const g = geometry!;
  const flags = ctrl[CTRL.flags]!;
  const eflag = (flags & FLAG_ENERGY) !== 0;
  const vflag = (flags & FLAG_VIRIAL) !== 0;
  const nTotal = ctrl[CTRL.nTotal]!;
  const nLocal = ctrl[CTRL.nLocal]!;
  const own = CTRL.perThread + THREAD_SLOTS * t;
  const i0 = ctrl[own + SLOT.i0]!;
  const i1 = ctrl[own + SLOT.i1]!;
  const o0 = ctrl[own + SLOT.o0]!;
  const o1 = ctrl[own + SLOT.o1]!;
  const g0 = ctrl[own + SLOT.g0]!;
  const g1 = ctrl[own + SLOT.g1]!;
  const writesLocalsFrom = ctrl[own + SLOT.writesLocalsFrom]!;
  const writesGhostsFrom = ctrl[own + SLOT.writesGhostsFrom]!;
  const mine = SCALAR.perThread + THREAD_SCALARS * t;
  const p = init.params;
  const forces = b.forces[t]!;
  if (command === COMMAND.refreshGhosts) {
    b.scalars[mine] = refreshOwnedRange(
      b.positions,
      b.refPos,
      b.owner,
      b.image,
      b.scalars,
      SCALAR.cell,
      o0,
      o1,
      g0,
      g1,
    );
  } else if (command === COMMAND.reduceForces) {
    reduceOwnedRange(b.forces, 3, b.owner, o0, o1, g0, g1, writeBounds);
  } else if (command === COMMAND.eamEmbed && p.kind === "eam") {
    reduceOwnedRange(b.densities, 1, b.owner, o0, o1, g0, g1, writeBounds);
    const rho = b.densities[0]!;
    b.scalars[mine + 1] = eamEmbedding(p, b.types, o0, o1, rho, b.embeddingDerivatives, eflag, null);
    copyToOwnedGhosts(b.embeddingDerivatives, b.owner, g0, g1);
  } else if (command === COMMAND.pairSearch) {
    const shape = {
      nbx: ctrl[CTRL.gridNbx]!,
      nby: ctrl[CTRL.gridNby]!,
      nbz: ctrl[CTRL.gridNbz]!,
      stencilLength: ctrl[CTRL.stencilLength]!,
      rangeSq: b.scalars[SCALAR.rangeSq]!,
    };
    const base = ctrl[own + SLOT.listBase]!;
    const limit = ctrl[own + SLOT.listLimit]!;
    ctrl[own + SLOT.listEnd] = searchPairs(b.bins, shape, i0, i1, b.list, base, limit, b.start);
  } else if (command === COMMAND.ljForces && p.kind === "lj") {
    clearWritable(forces, 3, writesLocalsFrom, nLocal, writesGhostsFrom, nTotal);
    ljPairForces(p, g, i0, i1, forces, eflag, vflag, b.accumulators, ACC_STRIDE * t);
  } else if (command === COMMAND.eamDensities && p.kind === "eam") {
    const rho = b.densities[t]!;
    clearWritable(rho, 1, writesLocalsFrom, nLocal, writesGhostsFrom, nTotal);
    eamPairDensities(p, g, i0, i1, rho);
  } else if (command === COMMAND.eamForces && p.kind === "eam") {
    clearWritable(forces, 3, writesLocalsFrom, nLocal, writesGhostsFrom, nTotal);
    eamPairForces(p, g, b.embeddingDerivatives, i0, i1, forces, eflag, vflag, b.accumulators, ACC_STRIDE * t);
  } else {
    throw new Error(`force worker ${t}: command ${command} does not apply to a ${p.kind} potential`);
  }
}

let seen = 0;
for (;;) {
  Atomics.wait(ctrl, CTRL.generation, seen);
  seen = Atomics.load(ctrl, CTRL.generation);
  const command = ctrl[CTRL.command]!;
  if (command === COMMAND.quit) break;
  try {
    run(command);
  } catch (e) {
    Atomics.store(ctrl, CTRL.failed, 1);
    init.port.postMessage(e instanceof Error ? e.message : String(e));
  }
  Atomics.add(ctrl, CTRL.done, 1);
  Atomics.notify(ctrl, CTRL.done);
}
init.port.close();
