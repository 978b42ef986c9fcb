/**
 * Structural computes on a configuration: coordination numbers and the radial
 * distribution function g(r). Lengths Å. Both use their own neighbour list with the
 * requested cutoff (no skin), so they are independent of the potential's range.
 */
import type { AtomSystem } from "../core/system";
import { NeighborList } from "../neighbor/neighbor-list";

/** Number of neighbours of each atom within `cutoff`. */
export function coordinationNumbers(system: AtomSystem, cutoff: number): Int32Array {
  const nl = new NeighborList(cutoff, 0);
  nl.build(system);
  const cn = new Int32Array(system.n);
  const x = nl.extPos;
  const c2 = cutoff * cutoff;
  for (let i = 0; i < system.n; i++) {
    for (let q = nl.start[i]!; q < nl.start[i + 1]!; q++) {
      const k = nl.list[q]!;
      const dx = x[3 * i]! - x[3 * k]!;
      const dy = x[3 * i + 1]! - x[3 * k + 1]!;
      const dz = x[3 * i + 2]! - x[3 * k + 2]!;
      if (dx * dx + dy * dy + dz * dz < c2) {
        cn[i] = cn[i]! + 1;
        const j = nl.owner[k]!;
        cn[j] = cn[j]! + 1;
      }
    }
  }
  return cn;
}

export function meanCoordination(system: AtomSystem, cutoff: number): number {
  const cn = coordinationNumbers(system, cutoff);
  let s = 0;
  for (const c of cn) s += c;
  return s / system.n;
}

/** g(r) accumulated over frames: all species pairs together. */
export class RdfAccumulator {
  private readonly hist: Float64Array;
  private frames = 0;
  private densitySum = 0;
  private atoms = 0;

  constructor(
    readonly rmax: number,
    readonly nbins: number,
  ) {
    this.hist = new Float64Array(nbins);
  }

  add(system: AtomSystem): void {
    const nl = new NeighborList(this.rmax, 0);
    nl.build(system);
    const x = nl.extPos;
    const dr = this.rmax / this.nbins;
    for (let i = 0; i < system.n; i++) {
      for (let q = nl.start[i]!; q < nl.start[i + 1]!; q++) {
        const k = nl.list[q]!;
        const r = Math.hypot(x[3 * i]! - x[3 * k]!, x[3 * i + 1]! - x[3 * k + 1]!, x[3 * i + 2]! - x[3 * k + 2]!);
        const b = Math.floor(r / dr);
        if (b < this.nbins) this.hist[b] = this.hist[b]! + 2; // half list: each pair counts for both atoms
      }
    }
    this.frames++;
    this.densitySum += system.n / system.box.volume;
    this.atoms = system.n;
  }

  /** Bin centres (Å) and g(r). */
  result(): { r: Float64Array; g: Float64Array } {
    const r = new Float64Array(this.nbins);
    const g = new Float64Array(this.nbins);
    const dr = this.rmax / this.nbins;
    const rho = this.densitySum / Math.max(1, this.frames);
    for (let b = 0; b < this.nbins; b++) {
      const r0 = b * dr;
      const r1 = r0 + dr;
      r[b] = r0 + dr / 2;
      const shell = ((4 * Math.PI) / 3) * (r1 ** 3 - r0 ** 3);
      g[b] = this.frames > 0 ? this.hist[b]! / (this.frames * this.atoms * rho * shell) : 0;
    }
    return { r, g };
  }
}

/** Stress-tensor invariants from (xx, yy, zz, xy, xz, yz), same unit as the input. */
export function stressInvariants(s: ArrayLike<number>): {
  i1: number;
  i2: number;
  i3: number;
  j2: number;
  vonMises: number;
  hydrostatic: number;
} {
  const [xx, yy, zz, xy, xz, yz] = [s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, s[5]!];
  const i1 = xx + yy + zz;
  const i2 = xx * yy + yy * zz + zz * xx - xy * xy - yz * yz - xz * xz;
  const i3 = xx * (yy * zz - yz * yz) - xy * (xy * zz - yz * xz) + xz * (xy * yz - yy * xz);
  const j2 = (i1 * i1) / 3 - i2;
  return { i1, i2, i3, j2, vonMises: Math.sqrt(Math.max(0, 3 * j2)), hydrostatic: i1 / 3 };
}
