/**
 * Time-dependent computes over a trajectory: mean-squared displacement (Å²) and the
 * Lindemann index. Both use unwrapped positions and remove centre-of-mass drift.
 *
 * Lindemann index here is the atomic form δ_L = ⟨√⟨|u_i − ⟨u_i⟩|²⟩⟩_i / d_nn
 * (Lindemann 1910; e.g. Zhang et al., Phys. Chem. Chem. Phys. 2011): it rises from
 * ~0.05–0.1 in a hot solid to unbounded growth in a liquid, which is what the
 * melting protocol tests for.
 */
import type { AtomSystem } from "../core/system";

function centreOfMassFree(system: AtomSystem, out: Float64Array): Float64Array {
  system.unwrappedPositions(out);
  const c = [0, 0, 0];
  for (let i = 0; i < system.n; i++) for (let d = 0; d < 3; d++) c[d] = c[d]! + out[3 * i + d]!;
  for (let d = 0; d < 3; d++) c[d] = c[d]! / system.n;
  for (let i = 0; i < system.n; i++) for (let d = 0; d < 3; d++) out[3 * i + d] = out[3 * i + d]! - c[d]!;
  return out;
}

export class MsdTracker {
  private readonly ref: Float64Array;
  private readonly buf: Float64Array;

  constructor(system: AtomSystem) {
    this.ref = centreOfMassFree(system, new Float64Array(3 * system.n));
    this.buf = new Float64Array(3 * system.n);
  }

  /** Mean-squared displacement from the reference frame, optionally for a subset. */
  value(system: AtomSystem, group?: Uint8Array): number {
    const x = centreOfMassFree(system, this.buf);
    let s = 0;
    let count = 0;
    for (let i = 0; i < system.n; i++) {
      if (group && !group[i]) continue;
      const dx = x[3 * i]! - this.ref[3 * i]!;
      const dy = x[3 * i + 1]! - this.ref[3 * i + 1]!;
      const dz = x[3 * i + 2]! - this.ref[3 * i + 2]!;
      s += dx * dx + dy * dy + dz * dz;
      count++;
    }
    return count > 0 ? s / count : 0;
  }
}

export class LindemannTracker {
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;
  private readonly buf: Float64Array;
  private frames = 0;

  constructor(
    private readonly n: number,
    /** Nearest-neighbour distance of the crystal (Å). */
    readonly nearestNeighbor: number,
  ) {
    this.sum = new Float64Array(3 * n);
    this.sumSq = new Float64Array(n);
    this.buf = new Float64Array(3 * n);
  }

  add(system: AtomSystem): void {
    const x = centreOfMassFree(system, this.buf);
    for (let i = 0; i < this.n; i++) {
      let r2 = 0;
      for (let d = 0; d < 3; d++) {
        this.sum[3 * i + d] = this.sum[3 * i + d]! + x[3 * i + d]!;
        r2 += x[3 * i + d]! ** 2;
      }
      this.sumSq[i] = this.sumSq[i]! + r2;
    }
    this.frames++;
  }

  /** Per-atom δ_L. */
  perAtom(): Float64Array {
    const out = new Float64Array(this.n);
    if (this.frames === 0) return out;
    for (let i = 0; i < this.n; i++) {
      let m2 = 0;
      for (let d = 0; d < 3; d++) m2 += (this.sum[3 * i + d]! / this.frames) ** 2;
      out[i] = Math.sqrt(Math.max(0, this.sumSq[i]! / this.frames - m2)) / this.nearestNeighbor;
    }
    return out;
  }

  value(group?: Uint8Array): number {
    const per = this.perAtom();
    let s = 0;
    let c = 0;
    for (let i = 0; i < this.n; i++) {
      if (group && !group[i]) continue;
      s += per[i]!;
      c++;
    }
    return c > 0 ? s / c : 0;
  }
}
