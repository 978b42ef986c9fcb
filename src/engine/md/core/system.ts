/**
 * An atomic system in a periodic box: flat typed arrays for positions (Å),
 * velocities (Å/ps), forces (eV/Å), integer types, per-type masses (g/mol) and
 * image counters so that unwrapped trajectories (MSD) survive re-wrapping.
 */
import { type Box } from "./box";
import { InvalidSystemError } from "./errors";

export class AtomSystem {
  readonly box: Box;
  readonly n: number;
  readonly positions: Float64Array;
  readonly velocities: Float64Array;
  readonly forces: Float64Array;
  readonly types: Int32Array;
  /** Type index → species symbol (e.g. ["Cu"]). */
  readonly typeNames: readonly string[];
  /** Type index → mass. */
  readonly typeMasses: Float64Array;
  /** Number of box vectors each atom has been wrapped by, per direction. */
  readonly images: Int32Array;

  constructor(args: {
    box: Box;
    positions: ArrayLike<number>;
    types: ArrayLike<number>;
    typeNames: readonly string[];
    typeMasses: ArrayLike<number>;
    velocities?: ArrayLike<number>;
  }) {
    const n = args.types.length;
    if (args.positions.length !== 3 * n) throw new InvalidSystemError("positions must have 3 entries per atom");
    if (args.typeMasses.length !== args.typeNames.length) throw new InvalidSystemError("one mass per type is required");
    this.box = args.box;
    this.n = n;
    this.positions = Float64Array.from(args.positions);
    this.velocities = args.velocities ? Float64Array.from(args.velocities) : new Float64Array(3 * n);
    if (this.velocities.length !== 3 * n) throw new InvalidSystemError("velocities must have 3 entries per atom");
    this.forces = new Float64Array(3 * n);
    this.types = Int32Array.from(args.types);
    this.typeNames = [...args.typeNames];
    this.typeMasses = Float64Array.from(args.typeMasses);
    this.images = new Int32Array(3 * n);
    for (let i = 0; i < n; i++) {
      const t = this.types[i]!;
      if (t < 0 || t >= this.typeNames.length) throw new InvalidSystemError(`atom ${i} has unknown type ${t}`);
    }
  }

  clone(): AtomSystem {
    const c = new AtomSystem({
      box: this.box.clone(),
      positions: this.positions,
      types: this.types,
      typeNames: this.typeNames,
      typeMasses: this.typeMasses,
      velocities: this.velocities,
    });
    c.forces.set(this.forces);
    c.images.set(this.images);
    return c;
  }

  get ntypes(): number {
    return this.typeNames.length;
  }

  mass(i: number): number {
    return this.typeMasses[this.types[i]!]!;
  }

  /** Per-atom masses as a flat array (handy for integrators). */
  massArray(): Float64Array {
    const m = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) m[i] = this.typeMasses[this.types[i]!]!;
    return m;
  }

  species(i: number): string {
    return this.typeNames[this.types[i]!]!;
  }

  /** Wrap every atom into the cell, keeping image counters. */
  wrap(): void {
    const s = [0, 0, 0];
    const x = [0, 0, 0];
    const p = this.positions;
    for (let i = 0; i < this.n; i++) {
      this.box.toFractional(p[3 * i]!, p[3 * i + 1]!, p[3 * i + 2]!, s);
      let moved = false;
      for (let d = 0; d < 3; d++) {
        const f = Math.floor(s[d]!);
        if (f !== 0) {
          s[d] = s[d]! - f;
          this.images[3 * i + d] = this.images[3 * i + d]! + f;
          moved = true;
        }
        // floor(x) can leave s == 1 for s = -tiny; keep s strictly in [0,1).
        if (s[d]! >= 1) {
          s[d] = 0;
          this.images[3 * i + d] = this.images[3 * i + d]! + 1;
          moved = true;
        }
      }
      if (moved) {
        this.box.toCartesian(s[0]!, s[1]!, s[2]!, x);
        p[3 * i] = x[0]!;
        p[3 * i + 1] = x[1]!;
        p[3 * i + 2] = x[2]!;
      }
    }
  }

  /** Unwrapped positions (for MSD). */
  unwrappedPositions(out: Float64Array = new Float64Array(3 * this.n)): Float64Array {
    const h = this.box.h;
    for (let i = 0; i < this.n; i++) {
      const a = this.images[3 * i]!;
      const b = this.images[3 * i + 1]!;
      const c = this.images[3 * i + 2]!;
      for (let d = 0; d < 3; d++)
        out[3 * i + d] = this.positions[3 * i + d]! + a * h[d]! + b * h[3 + d]! + c * h[6 + d]!;
    }
    return out;
  }

  /** Affinely map the cell to newCell, carrying atoms with it (fractional coordinates kept). */
  deformTo(newCell: ArrayLike<number>): void {
    const s = [0, 0, 0];
    const frac = new Float64Array(3 * this.n);
    const p = this.positions;
    for (let i = 0; i < this.n; i++) {
      this.box.toFractional(p[3 * i]!, p[3 * i + 1]!, p[3 * i + 2]!, s);
      frac[3 * i] = s[0]!;
      frac[3 * i + 1] = s[1]!;
      frac[3 * i + 2] = s[2]!;
    }
    this.box.setCell(newCell);
    const x = [0, 0, 0];
    for (let i = 0; i < this.n; i++) {
      this.box.toCartesian(frac[3 * i]!, frac[3 * i + 1]!, frac[3 * i + 2]!, x);
      p[3 * i] = x[0]!;
      p[3 * i + 1] = x[1]!;
      p[3 * i + 2] = x[2]!;
    }
  }
}
