/**
 * Periodic simulation cell. Lengths in Å (or σ in LJ units).
 *
 * The cell is stored as three row vectors a, b, c (any orientation, so any
 * lattice from a database structure works without rotating it into the LAMMPS
 * upper-triangular convention). Cartesian x = s·H for fractional s.
 */
import { InvalidSystemError } from "./errors";

export type Mat3 = [number, number, number, number, number, number, number, number, number];

export class Box {
  /** Row-major: h[3k + d] = component d of cell vector k. */
  readonly h: Float64Array;
  /** Inverse of h (row-major): s_k = Σ_d x_d inv[3d + k]. */
  readonly inv: Float64Array;
  volume = 0;

  constructor(cell: ArrayLike<number>) {
    if (cell.length !== 9) throw new InvalidSystemError("cell must have 9 components (3 row vectors)");
    this.h = Float64Array.from(cell);
    this.inv = new Float64Array(9);
    this.refresh();
  }

  static orthorhombic(lx: number, ly: number, lz: number): Box {
    return new Box([lx, 0, 0, 0, ly, 0, 0, 0, lz]);
  }

  clone(): Box {
    return new Box(this.h);
  }

  /** Recompute inverse and volume after h has been changed in place. */
  refresh(): void {
    const m = this.h;
    const det =
      m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) -
      m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) +
      m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
    if (!(Math.abs(det) > 1e-12)) throw new InvalidSystemError("cell vectors are degenerate (zero volume)");
    const inv = invert3(m, det);
    this.inv.set(inv);
    this.volume = Math.abs(det);
  }

  setCell(cell: ArrayLike<number>): void {
    this.h.set(cell);
    this.refresh();
  }

  isOrthorhombic(): boolean {
    const m = this.h;
    return m[1] === 0 && m[2] === 0 && m[3] === 0 && m[5] === 0 && m[6] === 0 && m[7] === 0;
  }

  /** Distance between opposite faces along each cell direction: V / |b×c| etc. */
  planeSpacings(): [number, number, number] {
    const m = this.h;
    const a = [m[0]!, m[1]!, m[2]!];
    const b = [m[3]!, m[4]!, m[5]!];
    const c = [m[6]!, m[7]!, m[8]!];
    return [this.volume / norm(cross(b, c)), this.volume / norm(cross(c, a)), this.volume / norm(cross(a, b))];
  }

  lengths(): [number, number, number] {
    const m = this.h;
    return [Math.hypot(m[0]!, m[1]!, m[2]!), Math.hypot(m[3]!, m[4]!, m[5]!), Math.hypot(m[6]!, m[7]!, m[8]!)];
  }

  toFractional(x: number, y: number, z: number, out: Float64Array | number[]): void {
    const v = this.inv;
    out[0] = x * v[0]! + y * v[3]! + z * v[6]!;
    out[1] = x * v[1]! + y * v[4]! + z * v[7]!;
    out[2] = x * v[2]! + y * v[5]! + z * v[8]!;
  }

  toCartesian(s0: number, s1: number, s2: number, out: Float64Array | number[]): void {
    const m = this.h;
    out[0] = s0 * m[0]! + s1 * m[3]! + s2 * m[6]!;
    out[1] = s0 * m[1]! + s1 * m[4]! + s2 * m[7]!;
    out[2] = s0 * m[2]! + s1 * m[5]! + s2 * m[8]!;
  }
}

export function invert3(m: ArrayLike<number>, det?: number): Mat3 {
  const d =
    det ??
    m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) -
      m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) +
      m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
  const r = 1 / d;
  return [
    (m[4]! * m[8]! - m[5]! * m[7]!) * r,
    (m[2]! * m[7]! - m[1]! * m[8]!) * r,
    (m[1]! * m[5]! - m[2]! * m[4]!) * r,
    (m[5]! * m[6]! - m[3]! * m[8]!) * r,
    (m[0]! * m[8]! - m[2]! * m[6]!) * r,
    (m[2]! * m[3]! - m[0]! * m[5]!) * r,
    (m[3]! * m[7]! - m[4]! * m[6]!) * r,
    (m[1]! * m[6]! - m[0]! * m[7]!) * r,
    (m[0]! * m[4]! - m[1]! * m[3]!) * r,
  ];
}

/** Row-major 3×3 product a·b. */
export function matMul3(a: ArrayLike<number>, b: ArrayLike<number>): Mat3 {
  const r = new Array<number>(9).fill(0) as Mat3;
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += a[3 * i + k]! * b[3 * k + j]!;
      r[3 * i + j] = s;
    }
  return r;
}

function cross(a: number[], b: number[]): number[] {
  return [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
}

function norm(a: number[]): number {
  return Math.hypot(a[0]!, a[1]!, a[2]!);
}
