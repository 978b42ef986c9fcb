import { Composition } from "../chem/composition";
import { elementBySymbol, isElementSymbol } from "../chem/elements";
import { det, inverse, mat3, matMul, norm, dot, type Mat3, type Vec3, vecMat } from "./mat3";
import { InvalidCrystalError } from "./structure.errors";

/**
 * The periodic crystal every structure reader returns and every writer, the Niggli /
 * primitive-cell code and the structure matcher take.
 *
 * Units: lengths Å, angles degrees, volumes Å³, density g/cm³. The lattice holds the
 * cell vectors a, b, c as rows in Cartesian Å; sites are given by fractional
 * coordinates, so a site's Cartesian position is f · L. Species are element symbols
 * (fully ordered sites only: partial occupancy is not representable here).
 */
export interface Crystal {
  lattice: [number[], number[], number[]];
  species: string[];
  fracCoords: number[][];
}

export interface LatticeParameters {
  a: number;
  b: number;
  c: number;
  alphaDeg: number;
  betaDeg: number;
  gammaDeg: number;
}

const DEG = Math.PI / 180;
/** 1 amu/Å³ in g/cm³ (1.66053906660e-24 g per amu over 1e-24 cm³ per Å³). */
const AMU_PER_A3_IN_G_PER_CM3 = 1.6605390666;

export function latticeMatrix(crystal: Pick<Crystal, "lattice">): Mat3 {
  return mat3(crystal.lattice);
}

export function cellVolumeA3(lattice: readonly (readonly number[])[]): number {
  return Math.abs(det(lattice));
}

function angleDeg(u: readonly number[], v: readonly number[]): number {
  const c = dot(u, v) / (norm(u) * norm(v));
  return Math.acos(Math.max(-1, Math.min(1, c))) / DEG;
}

export function latticeParameters(lattice: readonly (readonly number[])[]): LatticeParameters {
  const [a, b, c] = mat3(lattice);
  return {
    a: norm(a),
    b: norm(b),
    c: norm(c),
    alphaDeg: angleDeg(b, c),
    betaDeg: angleDeg(a, c),
    gammaDeg: angleDeg(a, b),
  };
}

/**
 * The conventional crystallographic setting used by CIF readers: a along x, b in the xy
 * plane, c completing a right-handed cell.
 */
export function latticeFromParameters(p: LatticeParameters): Mat3 {
  const { a, b, c } = p;
  const cosA = Math.cos(p.alphaDeg * DEG);
  const cosB = Math.cos(p.betaDeg * DEG);
  const cosG = Math.cos(p.gammaDeg * DEG);
  const sinG = Math.sin(p.gammaDeg * DEG);
  const cx = c * cosB;
  const cy = (c * (cosA - cosB * cosG)) / sinG;
  const cz2 = c * c - cx * cx - cy * cy;
  if (!(a > 0 && b > 0 && c > 0) || !(sinG > 0) || !(cz2 > 0)) {
    throw new InvalidCrystalError(
      `lattice parameters a=${a} b=${b} c=${c} alpha=${p.alphaDeg} beta=${p.betaDeg} gamma=${p.gammaDeg} do not form a cell`,
    );
  }
  return [
    [a, 0, 0],
    [b * cosG, b * sinG, 0],
    [cx, cy, Math.sqrt(cz2)],
  ];
}

export function fracToCart(lattice: readonly (readonly number[])[], frac: readonly number[]): Vec3 {
  return vecMat(frac, lattice);
}

export function cartToFrac(lattice: readonly (readonly number[])[], cart: readonly number[]): Vec3 {
  return vecMat(cart, inverse(lattice));
}

export function cartesianCoords(crystal: Crystal): Vec3[] {
  return crystal.fracCoords.map((f) => vecMat(f, crystal.lattice));
}

/** Fractional coordinate into [0, 1); values a rounding error below an integer go to 0. */
export function wrapUnit(x: number): number {
  const w = x - Math.floor(x);
  return w >= 1 - 1e-12 ? 0 : w;
}

export function wrapFrac(f: readonly number[]): Vec3 {
  return [wrapUnit(f[0] as number), wrapUnit(f[1] as number), wrapUnit(f[2] as number)];
}

export function wrapCrystal(crystal: Crystal): Crystal {
  return {
    lattice: copyLattice(crystal.lattice),
    species: [...crystal.species],
    fracCoords: crystal.fracCoords.map(wrapFrac),
  };
}

export function copyLattice(lattice: readonly (readonly number[])[]): [number[], number[], number[]] {
  const [a, b, c] = mat3(lattice);
  return [[...a], [...b], [...c]];
}

export function crystalComposition(crystal: Pick<Crystal, "species">): Composition {
  return Composition.fromSpecies(crystal.species);
}

export function densityGcm3(crystal: Crystal): number {
  let massAmu = 0;
  for (const s of crystal.species) massAmu += elementBySymbol(s).atomicMassAmu;
  return (AMU_PER_A3_IN_G_PER_CM3 * massAmu) / cellVolumeA3(crystal.lattice);
}

/**
 * Checks the shape every consumer relies on: three finite lattice rows spanning a
 * non-zero volume, one known element and one finite fractional triple per site.
 */
export function validateCrystal(crystal: Crystal): void {
  if (!Array.isArray(crystal.lattice) || crystal.lattice.length !== 3) {
    throw new InvalidCrystalError("lattice must have three rows");
  }
  for (const row of crystal.lattice) {
    if (!Array.isArray(row) || row.length !== 3 || !row.every(Number.isFinite)) {
      throw new InvalidCrystalError("lattice rows must be three finite numbers");
    }
  }
  if (!(cellVolumeA3(crystal.lattice) > 1e-8)) throw new InvalidCrystalError("lattice vectors are linearly dependent");
  if (crystal.species.length !== crystal.fracCoords.length) {
    throw new InvalidCrystalError(`${crystal.species.length} species for ${crystal.fracCoords.length} sites`);
  }
  if (crystal.species.length === 0) throw new InvalidCrystalError("a crystal needs at least one site");
  crystal.species.forEach((s, i) => {
    if (!isElementSymbol(s)) throw new InvalidCrystalError(`site ${i + 1}: unknown element "${s}"`);
  });
  crystal.fracCoords.forEach((f, i) => {
    if (f.length !== 3 || !f.every(Number.isFinite)) {
      throw new InvalidCrystalError(`site ${i + 1}: fractional coordinates must be three finite numbers`);
    }
  });
}

/**
 * The same crystal described by the cell whose vectors are the rows of `m` expressed in
 * the old vectors (new L = m · L); site coordinates follow as f · m⁻¹. With |det m| = 1
 * the site list is unchanged apart from the coordinates.
 */
export function changeBasis(crystal: Crystal, m: readonly (readonly number[])[]): Crystal {
  const lattice = matMul(m, crystal.lattice);
  const minv = inverse(m);
  return {
    lattice: copyLattice(lattice),
    species: [...crystal.species],
    fracCoords: crystal.fracCoords.map((f) => [...vecMat(f, minv)]),
  };
}

/**
 * A supercell with integer matrix `m` (new vectors = rows of m in old vectors, |det m| ≥ 1):
 * every site is repeated at each lattice point inside the new cell.
 */
export function makeSupercell(
  crystal: Crystal,
  m: readonly (readonly number[])[] | readonly [number, number, number],
): Crystal {
  const M: Mat3 =
    typeof m[0] === "number"
      ? [
          [m[0], 0, 0],
          [0, m[1] as number, 0],
          [0, 0, m[2] as number],
        ]
      : mat3(m as readonly (readonly number[])[]);
  for (const row of M) {
    if (!row.every((x) => Number.isInteger(x))) throw new InvalidCrystalError("supercell matrix must be integer");
  }
  const n = Math.round(Math.abs(det(M)));
  if (n < 1) throw new InvalidCrystalError("supercell matrix is singular");
  const minv = inverse(M);
  // Lattice points of the old cell inside the new one: integer vectors within the
  // bounding box of the new cell's corners, kept when their new coordinates are in [0,1).
  const lo = [0, 0, 0];
  const hi = [0, 0, 0];
  for (let corner = 0; corner < 8; corner++) {
    const c = [corner & 1, (corner >> 1) & 1, (corner >> 2) & 1];
    const p = vecMat(c, M);
    for (let k = 0; k < 3; k++) {
      lo[k] = Math.min(lo[k] as number, Math.floor(p[k] as number));
      hi[k] = Math.max(hi[k] as number, Math.ceil(p[k] as number));
    }
  }
  const points: Vec3[] = [];
  for (let i = lo[0] as number; i <= (hi[0] as number); i++) {
    for (let j = lo[1] as number; j <= (hi[1] as number); j++) {
      for (let k = lo[2] as number; k <= (hi[2] as number); k++) {
        const f = vecMat([i, j, k], minv);
        if (f.every((x) => x > -1e-9 && x < 1 - 1e-9)) points.push([i, j, k]);
      }
    }
  }
  if (points.length !== n)
    throw new InvalidCrystalError(`found ${points.length} lattice points for a supercell of ${n}`);
  const species: string[] = [];
  const fracCoords: number[][] = [];
  crystal.species.forEach((s, i) => {
    const f = crystal.fracCoords[i] as number[];
    for (const p of points) {
      species.push(s);
      fracCoords.push([...wrapFrac(vecMat([f[0]! + p[0], f[1]! + p[1], f[2]! + p[2]], minv))]);
    }
  });
  return { lattice: copyLattice(matMul(M, crystal.lattice)), species, fracCoords };
}
