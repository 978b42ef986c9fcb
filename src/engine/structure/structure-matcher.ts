import {
  type Crystal,
  cartesianCoords,
  cellVolumeA3,
  crystalComposition,
  latticeFromParameters,
  latticeParameters,
  validateCrystal,
} from "./crystal";
import { minCostAssignment } from "./linear-assignment";
import { det, dot, inverse, mat3, norm, transpose, type Mat3, type Vec3, vecMat } from "./mat3";
import { primitiveCell } from "./niggli";

/**
 * Do two crystals describe the same structure? A port of the default path of pymatgen's
 * StructureMatcher.fit (pymatgen.analysis.structure_matcher; defaults ltol 0.2, stol 0.3,
 * angle_tol 5°, primitive_cell=True, scale=True, attempt_supercell=False,
 * SpeciesComparator).
 *
 * Units: ltol and stol are dimensionless, angleTolDeg degrees.
 *
 * 1. The reduced compositions must be equal.
 * 2. Both crystals are reduced to their primitive cell (0.25 Å tolerance) and Niggli
 *    reduced; primitive cells with different numbers of sites do not match.
 * 3. Both lattices are scaled to the same volume (the geometric mean), which removes a
 *    uniform strain such as a DFT functional's over- or underbinding.
 * 4. Every basis of crystal 1's lattice whose vector lengths agree with crystal 2's
 *    within a ratio of 1 + ltol and whose angles agree within angle_tol, with the same
 *    cell volume, is tried. For each, crystal 1's sites are expressed in that basis and
 *    compared in the lattice with the averaged parameters of both.
 * 5. For each translation taking a site of crystal 2's rarest species onto a site of the
 *    same species in crystal 1, sites are paired species by species by minimum total
 *    squared (minimum-image) displacement, the mean displacement is removed, and the
 *    displacements are normalised by (V/n)^(1/3). The crystals match when the root mean
 *    square of the normalised displacements is at most stol.
 *
 * Because of step 3, two cells differing only by a uniform scale match; because of
 * step 4, strains beyond ltol / angle_tol do not.
 */

export interface MatchTolerances {
  /** Fractional length tolerance of the lattice vectors. */
  ltol: number;
  /** Site tolerance: RMS displacement over (V/n)^(1/3). */
  stol: number;
  /** Angle tolerance of the lattice, degrees. */
  angleTolDeg: number;
}

export const DEFAULT_MATCH_TOLERANCES: Readonly<MatchTolerances> = { ltol: 0.2, stol: 0.3, angleTolDeg: 5 };

/** A crystal prepared for matching: primitive, Niggli reduced, with its reduced formula. */
export interface PreparedCrystal {
  formula: string;
  primitive: Crystal;
}

export function prepareForMatching(crystal: Crystal): PreparedCrystal {
  validateCrystal(crystal);
  return { formula: crystalComposition(crystal).reducedFormula, primitive: primitiveCell(crystal) };
}

function scaled(lattice: readonly (readonly number[])[], factor: number): Mat3 {
  return mat3(lattice).map((r) => r.map((x) => x * factor)) as Mat3;
}

function angleDeg(u: Vec3, v: Vec3, lu: number, lv: number): number {
  return (Math.acos(Math.max(-1, Math.min(1, dot(u, v) / (lu * lv)))) * 180) / Math.PI;
}

/** Norms of the reciprocal vectors (no 2π): 1 / interplanar spacing of (100), (010), (001). */
function reciprocalLengths(lattice: Mat3): Vec3 {
  const inv = transpose(inverse(lattice));
  return [norm(inv[0]), norm(inv[1]), norm(inv[2])];
}

interface LatticeVector {
  frac: Vec3;
  cart: Vec3;
  length: number;
}

/** Integer combinations of `lattice`'s rows with a length up to `radius`. */
function latticeVectorsWithin(lattice: Mat3, radius: number): LatticeVector[] {
  const recip = reciprocalLengths(lattice);
  const bounds = recip.map((r) => Math.ceil(radius * r));
  const out: LatticeVector[] = [];
  for (let i = -bounds[0]!; i <= bounds[0]!; i++) {
    for (let j = -bounds[1]!; j <= bounds[1]!; j++) {
      for (let k = -bounds[2]!; k <= bounds[2]!; k++) {
        if (i === 0 && j === 0 && k === 0) continue;
        const cart = vecMat([i, j, k], lattice);
        const length = norm(cart);
        if (length <= radius) out.push({ frac: [i, j, k], cart, length });
      }
    }
  }
  return out;
}

/** Bases of `lattice` (same volume) that look like `target` within the tolerances (pymatgen Lattice.find_all_mappings). */
function* latticeMappings(lattice: Mat3, target: Mat3, tol: MatchTolerances): Generator<Mat3> {
  const tp = latticeParameters(target);
  const lengths = [tp.a, tp.b, tp.c];
  const vectors = latticeVectorsWithin(lattice, Math.max(...lengths) * (1 + tol.ltol));
  const near = lengths.map((len) =>
    vectors.filter((v) => v.length / len < 1 + tol.ltol && v.length / len > 1 / (1 + tol.ltol)),
  ) as [LatticeVector[], LatticeVector[], LatticeVector[]];
  for (const va of near[0]) {
    for (const vb of near[1]) {
      if (Math.abs(angleDeg(va.cart, vb.cart, va.length, vb.length) - tp.gammaDeg) >= tol.angleTolDeg) continue;
      for (const vc of near[2]) {
        if (Math.abs(angleDeg(vb.cart, vc.cart, vb.length, vc.length) - tp.alphaDeg) >= tol.angleTolDeg) continue;
        if (Math.abs(angleDeg(va.cart, vc.cart, va.length, vc.length) - tp.betaDeg) >= tol.angleTolDeg) continue;
        // Without supercells only unimodular bases (the same cell volume) are wanted.
        if (Math.abs(Math.abs(det([va.frac, vb.frac, vc.frac])) - 1) > 0.5) continue;
        yield [va.cart, vb.cart, vc.cart];
      }
    }
  }
}

const wrapHalf = (x: number): number => x - Math.round(x);

/** Shortest Cartesian vector of the fractional difference `df` in `lattice` (27 images). */
function shortestVector(lattice: Mat3, df: readonly number[]): Vec3 {
  const a = wrapHalf(df[0] as number);
  const b = wrapHalf(df[1] as number);
  const c = wrapHalf(df[2] as number);
  let best: Vec3 = [0, 0, 0];
  let bestD = Infinity;
  for (let i = -1; i <= 1; i++) {
    for (let j = -1; j <= 1; j++) {
      for (let k = -1; k <= 1; k++) {
        const v = vecMat([a + i, b + j, c + k], lattice);
        const d = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
        if (d < bestD) {
          bestD = d;
          best = v;
        }
      }
    }
  }
  return best;
}

/**
 * RMS normalised displacement of the best site pairing, or undefined when some site of
 * `f2` (already translated) has no same-species site of `f1` within the per-axis
 * fractional window (pymatgen's _cmp_fstruct pre-filter).
 */
function rmsDisplacement(
  f1: readonly Vec3[],
  f2: readonly Vec3[],
  bySpecies: ReadonlyMap<string, { i1: number[]; i2: number[] }>,
  avg: Mat3,
  fracTol: Vec3,
  normalisation: number,
): number | undefined {
  for (const { i1, i2 } of bySpecies.values()) {
    for (const j of i2) {
      const b = f2[j] as Vec3;
      const ok = i1.some((i) => {
        const a = f1[i] as Vec3;
        return (
          Math.abs(wrapHalf(a[0] - b[0])) < fracTol[0] &&
          Math.abs(wrapHalf(a[1] - b[1])) < fracTol[1] &&
          Math.abs(wrapHalf(a[2] - b[2])) < fracTol[2]
        );
      });
      if (!ok) return undefined;
    }
  }
  const shortVecs: Vec3[] = [];
  for (const { i1, i2 } of bySpecies.values()) {
    const vecs = i2.map((j) => i1.map((i) => shortestVector(avg, sub3(f1[i] as Vec3, f2[j] as Vec3))));
    const cost = vecs.map((row) => row.map((v) => dot(v, v)));
    const assignment = minCostAssignment(cost);
    assignment.forEach((col, row) => shortVecs.push((vecs[row] as Vec3[])[col] as Vec3));
  }
  const mean: Vec3 = [0, 0, 0];
  for (const v of shortVecs) for (let k = 0; k < 3; k++) mean[k as 0 | 1 | 2] += v[k as 0 | 1 | 2] / shortVecs.length;
  let sumSq = 0;
  for (const v of shortVecs) {
    const d = sub3(v, mean);
    sumSq += dot(d, d) * normalisation * normalisation;
  }
  return Math.sqrt(sumSq / shortVecs.length);
}

function sub3(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

/**
 * The smallest RMS normalised displacement found between two prepared crystals (stopping
 * at the first one within stol), or undefined when no lattice mapping or translation fits.
 */
export function matchPrepared(
  p1: PreparedCrystal,
  p2: PreparedCrystal,
  tolerances: Partial<MatchTolerances> = {},
): number | undefined {
  const tol: MatchTolerances = { ...DEFAULT_MATCH_TOLERANCES, ...tolerances };
  if (p1.formula !== p2.formula) return undefined;
  const s1 = p1.primitive;
  const s2 = p2.primitive;
  const n = s1.species.length;
  if (n !== s2.species.length) return undefined;
  const v1 = cellVolumeA3(s1.lattice);
  const v2 = cellVolumeA3(s2.lattice);
  const ratio = Math.pow(v2 / v1, 1 / 6);
  const l1 = scaled(s1.lattice, ratio);
  const l2 = scaled(s2.lattice, 1 / ratio);
  const cart1 = cartesianCoords({ ...s1, lattice: l1 });
  const f2 = s2.fracCoords.map((f) => [f[0], f[1], f[2]] as Vec3);

  const bySpecies = new Map<string, { i1: number[]; i2: number[] }>();
  s1.species.forEach((s, i) => {
    const entry = bySpecies.get(s) ?? { i1: [], i2: [] };
    entry.i1.push(i);
    bySpecies.set(s, entry);
  });
  s2.species.forEach((s, j) => bySpecies.get(s)?.i2.push(j));
  for (const { i1, i2 } of bySpecies.values()) if (i1.length !== i2.length) return undefined;
  // Translations anchor on crystal 2's rarest species, the fewest candidates.
  let anchor: { i1: number[]; i2: number[] } | undefined;
  for (const entry of bySpecies.values()) if (!anchor || entry.i1.length < anchor.i1.length) anchor = entry;
  if (!anchor) return undefined;
  const anchor2 = anchor.i2[0] as number;

  let best: number | undefined;
  const p2params = latticeParameters(l2);
  for (const aligned of latticeMappings(l1, l2, tol)) {
    const inv = inverse(aligned);
    const f1 = cart1.map((c) => {
      const f = vecMat(c, inv);
      return [f[0] - Math.floor(f[0]), f[1] - Math.floor(f[1]), f[2] - Math.floor(f[2])] as Vec3;
    });
    const pa = latticeParameters(aligned);
    const avg = latticeFromParameters({
      a: (pa.a + p2params.a) / 2,
      b: (pa.b + p2params.b) / 2,
      c: (pa.c + p2params.c) / 2,
      alphaDeg: (pa.alphaDeg + p2params.alphaDeg) / 2,
      betaDeg: (pa.betaDeg + p2params.betaDeg) / 2,
      gammaDeg: (pa.gammaDeg + p2params.gammaDeg) / 2,
    });
    const avgVolume = Math.abs(det(avg));
    const normalisation = Math.cbrt(n / avgVolume);
    const recip = reciprocalLengths(avg);
    // Per-axis window: a displacement of 2·stol·(V/n)^(1/3) normal to each lattice plane.
    const fracTol = recip.map((r) => (2 * tol.stol * r) / normalisation) as Vec3;
    for (const i of anchor.i1) {
      const t = sub3(f1[i] as Vec3, f2[anchor2] as Vec3);
      const moved = f2.map((f) => [f[0] + t[0], f[1] + t[1], f[2] + t[2]] as Vec3);
      const rms = rmsDisplacement(f1, moved, bySpecies, avg, fracTol, normalisation);
      if (rms === undefined) continue;
      if (best === undefined || rms < best) best = rms;
      if (rms <= tol.stol) return rms;
    }
  }
  return best;
}

export function structuresMatch(a: Crystal, b: Crystal, tolerances: Partial<MatchTolerances> = {}): boolean {
  const rms = matchPrepared(prepareForMatching(a), prepareForMatching(b), tolerances);
  return rms !== undefined && rms <= (tolerances.stol ?? DEFAULT_MATCH_TOLERANCES.stol);
}

/**
 * Groups crystals into polymorph classes: crystals of one reduced composition that match
 * share a group. Returns the group index of every crystal, numbered in first-seen order;
 * each crystal is compared with the first member of each existing group (as pymatgen's
 * group_structures does).
 */
export function groupPolymorphs(crystals: readonly Crystal[], tolerances: Partial<MatchTolerances> = {}): number[] {
  const stol = tolerances.stol ?? DEFAULT_MATCH_TOLERANCES.stol;
  const prepared = crystals.map(prepareForMatching);
  const representatives: number[] = [];
  return prepared.map((p, i) => {
    const group = representatives.findIndex((r) => {
      const rms = matchPrepared(prepared[r] as PreparedCrystal, p, tolerances);
      return rms !== undefined && rms <= stol;
    });
    if (group >= 0) return group;
    representatives.push(i);
    return representatives.length - 1;
  });
}
