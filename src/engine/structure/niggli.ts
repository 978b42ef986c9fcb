import { type Crystal, cellVolumeA3, changeBasis, copyLattice, validateCrystal, wrapFrac } from "./crystal";
import { det, dot, inverse, mat3, matMul, norm, transpose, type Mat3, type Vec3, vecMat } from "./mat3";
import { minImageDistance } from "./periodic";
import { InvalidCrystalError } from "./structure.errors";

/**
 * Niggli reduction and primitive cells.
 *
 * Units: lengths Å; tolerances Å unless named otherwise.
 *
 * Niggli reduction is the Křivý–Gruber algorithm (I. Křivý, B. Gruber, Acta Cryst. A32
 * (1976) 297) in the numerically stable form of R. W. Grosse-Kunstleve, N. K. Sauter,
 * P. D. Adams, Acta Cryst. A60 (2004) 1, where every comparison of the Gram-matrix
 * entries A = a·a, B = b·b, C = c·c, ξ = 2 b·c, η = 2 a·c, ζ = 2 a·b carries a tolerance
 * ε = tol · V^(1/3) (pymatgen's Lattice.get_niggli_reduced_lattice, tol = 1e-5). Before the
 * Křivý–Gruber steps the basis is pair-wise size reduced (each vector shortened by integer
 * multiples of the others), which gives the same reduced cell in fewer iterations for very
 * skewed input cells. The transformation is tracked as an integer matrix, so the reduced
 * cell is the same lattice exactly, and it is kept right-handed when the input was.
 *
 * The primitive cell follows pymatgen's Structure.get_primitive_structure: the candidate
 * lattice translations are the differences between one site of the least frequent
 * species and every other site of that species; a candidate is kept when translating the
 * whole structure by it maps every site onto a site of the same species within the
 * tolerance (0.25 Å by default, as in pymatgen). With k translations kept, the primitive
 * cell is spanned by the shortest three of those vectors and the unit vectors whose
 * determinant is 1/(k+1); sites closer than the tolerance in the new cell are merged. This
 * repeats until no translation is left, and the result is Niggli reduced.
 */

export interface NiggliResult {
  /** Reduced cell vectors as rows, Å. */
  lattice: Mat3;
  /** Integer matrix with reduced = transform · original (rows are vectors). */
  transform: Mat3;
}

const IDENTITY: Mat3 = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

const MAX_ITERATIONS = 10_000;

function sizeReduce(lattice: Mat3, transform: Mat3): void {
  for (let changed = true, guard = 0; changed && guard < 1000; guard++) {
    changed = false;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        if (i === j) continue;
        const vi = lattice[i] as Vec3;
        const vj = lattice[j] as Vec3;
        const q = Math.round(dot(vi, vj) / dot(vj, vj));
        if (q === 0) continue;
        const reduced: Vec3 = [vi[0] - q * vj[0], vi[1] - q * vj[1], vi[2] - q * vj[2]];
        // Only accept a strict shortening, so the loop terminates.
        if (dot(reduced, reduced) < dot(vi, vi) * (1 - 1e-12)) {
          lattice[i] = reduced;
          const ti = transform[i] as Vec3;
          const tj = transform[j] as Vec3;
          transform[i] = [ti[0] - q * tj[0], ti[1] - q * tj[1], ti[2] - q * tj[2]];
          changed = true;
        }
      }
    }
  }
}

export function niggliReduce(latticeIn: readonly (readonly number[])[], tol = 1e-5): NiggliResult {
  const original = mat3(latticeIn);
  const volume = cellVolumeA3(original);
  if (!(volume > 0) || !Number.isFinite(volume))
    throw new InvalidCrystalError("cannot Niggli-reduce a singular lattice");
  const eps = tol * Math.cbrt(volume);
  const lattice = mat3(original);
  let rowTransform = mat3(IDENTITY);
  sizeReduce(lattice, rowTransform);

  // Křivý–Gruber works on column bases: B' = B·M, G' = Mᵀ G M; rows transform as Mᵀ.
  let G = matMul(lattice, transpose(lattice));
  let total = mat3(IDENTITY);
  const apply = (m: Mat3): void => {
    G = matMul(transpose(m), matMul(G, m));
    total = matMul(total, m);
  };
  const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0);
  let converged = false;
  for (let iter = 0; iter < MAX_ITERATIONS; iter++) {
    let A = G[0][0];
    let B = G[1][1];
    let C = G[2][2];
    let E = 2 * G[1][2];
    let N = 2 * G[0][2];
    let Y = 2 * G[0][1];
    if (B + eps < A || (Math.abs(A - B) < eps && Math.abs(E) > Math.abs(N) + eps)) {
      // A1: swap a and b.
      apply([
        [0, -1, 0],
        [-1, 0, 0],
        [0, 0, -1],
      ]);
      [A, B, C, E, N, Y] = [G[0][0], G[1][1], G[2][2], 2 * G[1][2], 2 * G[0][2], 2 * G[0][1]];
    }
    if (C + eps < B || (Math.abs(B - C) < eps && Math.abs(N) > Math.abs(Y) + eps)) {
      // A2: swap b and c, then start over.
      apply([
        [-1, 0, 0],
        [0, 0, -1],
        [0, -1, 0],
      ]);
      continue;
    }
    const l = Math.abs(E) < eps ? 0 : E / Math.abs(E);
    const m = Math.abs(N) < eps ? 0 : N / Math.abs(N);
    const n = Math.abs(Y) < eps ? 0 : Y / Math.abs(Y);
    if (l * m * n === 1) {
      // A3: make all three angles acute.
      apply([
        [l === -1 ? -1 : 1, 0, 0],
        [0, m === -1 ? -1 : 1, 0],
        [0, 0, n === -1 ? -1 : 1],
      ]);
    } else if (l * m * n === 0 || l * m * n === -1) {
      // A4: make all three angles non-acute.
      let i = l === 1 ? -1 : 1;
      let j = m === 1 ? -1 : 1;
      let k = n === 1 ? -1 : 1;
      if (i * j * k === -1) {
        if (n === 0) k = -1;
        else if (m === 0) j = -1;
        else if (l === 0) i = -1;
      }
      apply([
        [i, 0, 0],
        [0, j, 0],
        [0, 0, k],
      ]);
    }
    [A, B, C, E, N, Y] = [G[0][0], G[1][1], G[2][2], 2 * G[1][2], 2 * G[0][2], 2 * G[0][1]];
    if (Math.abs(E) > B + eps || (Math.abs(E - B) < eps && 2 * N < Y - eps) || (Math.abs(E + B) < eps && Y < -eps)) {
      // A5
      apply([
        [1, 0, 0],
        [0, 1, -sign(E)],
        [0, 0, 1],
      ]);
      continue;
    }
    if (Math.abs(N) > A + eps || (Math.abs(A - N) < eps && 2 * E < Y - eps) || (Math.abs(A + N) < eps && Y < -eps)) {
      // A6
      apply([
        [1, 0, -sign(N)],
        [0, 1, 0],
        [0, 0, 1],
      ]);
      continue;
    }
    if (Math.abs(Y) > A + eps || (Math.abs(A - Y) < eps && 2 * E < N - eps) || (Math.abs(A + Y) < eps && N < -eps)) {
      // A7
      apply([
        [1, -sign(Y), 0],
        [0, 1, 0],
        [0, 0, 1],
      ]);
      continue;
    }
    const sum = E + N + Y + A + B;
    if (sum < -eps || (Math.abs(sum) < eps && 2 * (A + N) + Y > eps)) {
      // A8
      apply([
        [1, 0, 1],
        [0, 1, 1],
        [0, 0, 1],
      ]);
      continue;
    }
    converged = true;
    break;
  }
  if (!converged) throw new InvalidCrystalError(`Niggli reduction did not converge in ${MAX_ITERATIONS} steps`);
  rowTransform = matMul(transpose(total), rowTransform);
  // Keep the handedness of the input: negating all three vectors flips det.
  if (det(rowTransform) < 0) rowTransform = rowTransform.map((r) => r.map((x) => -x)) as Mat3;
  rowTransform = rowTransform.map((r) => r.map((x) => Math.round(x))) as Mat3;
  return { lattice: matMul(rowTransform, original), transform: rowTransform };
}

/** The same crystal in its Niggli-reduced cell, coordinates wrapped into [0, 1). */
export function niggliReduceCrystal(crystal: Crystal, tol = 1e-5): Crystal {
  validateCrystal(crystal);
  const { transform } = niggliReduce(crystal.lattice, tol);
  const reduced = changeBasis(crystal, transform);
  return { ...reduced, fracCoords: reduced.fracCoords.map((f) => [...wrapFrac(f)]) };
}

function mapsOntoItself(crystal: Crystal, t: readonly number[], tolA: number): boolean {
  const { species, fracCoords, lattice } = crystal;
  for (let i = 0; i < species.length; i++) {
    const f = fracCoords[i] as number[];
    const moved = [
      (f[0] as number) + (t[0] as number),
      (f[1] as number) + (t[1] as number),
      (f[2] as number) + (t[2] as number),
    ];
    let found = false;
    for (let k = 0; k < species.length && !found; k++) {
      if (species[k] !== species[i]) continue;
      const g = fracCoords[k] as number[];
      found = minImageDistance(lattice, [moved[0]! - g[0]!, moved[1]! - g[1]!, moved[2]! - g[2]!]) < tolA;
    }
    if (!found) return false;
  }
  return true;
}

/** Pure lattice translations of the structure other than the cell's own (fractional, in [0,1)). */
export function latticeTranslations(crystal: Crystal, tolA = 0.25): Vec3[] {
  const counts = new Map<string, number>();
  for (const s of crystal.species) counts.set(s, (counts.get(s) ?? 0) + 1);
  let rarest = crystal.species[0] as string;
  for (const [s, n] of counts) if (n < (counts.get(rarest) as number)) rarest = s;
  const anchorIndex = crystal.species.indexOf(rarest);
  const anchor = crystal.fracCoords[anchorIndex] as number[];
  const out: Vec3[] = [];
  crystal.species.forEach((s, j) => {
    if (j === anchorIndex || s !== rarest) return;
    const f = crystal.fracCoords[j] as number[];
    const t = wrapFrac([f[0]! - anchor[0]!, f[1]! - anchor[1]!, f[2]! - anchor[2]!]);
    // A difference that is itself a lattice vector is the same site repeated, not a translation.
    if (minImageDistance(crystal.lattice, t) < tolA) return;
    if (out.some((u) => minImageDistance(crystal.lattice, [u[0] - t[0], u[1] - t[1], u[2] - t[2]]) < tolA)) return;
    if (mapsOntoItself(crystal, t, tolA)) out.push(t);
  });
  return out;
}

/** One reduction step; undefined when the cell is already primitive (or the tolerance is inconsistent). */
function primitiveStep(crystal: Crystal, tolA: number): Crystal | undefined {
  const translations = latticeTranslations(crystal, tolA);
  if (translations.length === 0) return undefined;
  const points = translations.length + 1;
  const n = crystal.species.length;
  if (n % points !== 0) return undefined;
  const candidates: Vec3[] = [];
  for (const t of translations) {
    candidates.push(t, [t[0] - Math.round(t[0]), t[1] - Math.round(t[1]), t[2] - Math.round(t[2])]);
  }
  candidates.push(...IDENTITY.map((r) => [...r] as Vec3));
  const length = (v: Vec3): number => norm(vecMat(v, crystal.lattice));
  candidates.sort((u, v) => length(u) - length(v));
  const target = 1 / points;
  let basis: Mat3 | undefined;
  search: for (let i = 0; i < candidates.length; i++) {
    for (let j = i + 1; j < candidates.length; j++) {
      for (let k = j + 1; k < candidates.length; k++) {
        const m: Mat3 = [candidates[i] as Vec3, candidates[j] as Vec3, candidates[k] as Vec3];
        if (Math.abs(Math.abs(det(m)) - target) < 1e-3 * target) {
          basis = det(m) < 0 ? [m[0], m[1], [-m[2][0], -m[2][1], -m[2][2]]] : m;
          break search;
        }
      }
    }
  }
  if (!basis) return undefined;
  const lattice = matMul(basis, crystal.lattice);
  const minv = inverse(basis);
  const species: string[] = [];
  const fracCoords: number[][] = [];
  crystal.species.forEach((s, i) => {
    const f = wrapFrac(vecMat(crystal.fracCoords[i] as number[], minv));
    const dup = fracCoords.findIndex(
      (g) => minImageDistance(lattice, [f[0] - g[0]!, f[1] - g[1]!, f[2] - g[2]!]) < tolA,
    );
    if (dup >= 0) return;
    species.push(s);
    fracCoords.push([...f]);
  });
  if (species.length * points !== n) return undefined;
  return { lattice: copyLattice(lattice), species, fracCoords };
}

/** The primitive cell of a crystal, Niggli reduced, with sites in [0, 1). */
export function primitiveCell(crystal: Crystal, tolA = 0.25): Crystal {
  let current = niggliReduceCrystal(crystal);
  for (;;) {
    const next = primitiveStep(current, tolA);
    if (!next) return current;
    current = niggliReduceCrystal(next);
  }
}
