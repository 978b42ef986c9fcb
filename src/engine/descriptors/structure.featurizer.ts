import { elementBySymbol } from "../chem/elements";
import { type DescriptorSetInfo, FeaturizationError, type FeatureSpec } from "./descriptor-set";
import { ELEMENTAL_TABLE } from "./elemental-properties.table";

/**
 * Crystal-structure descriptors from a periodic cell.
 *
 * Units: lengths Å, volumes Å³, density g/cm³, angles degrees.
 *
 * - density ρ = Σ mᵢ / (N_A V); volume per atom V/N.
 * - packing fraction: Σ (4/3)π rᵢ³ / V with Cordero covalent radii (so touching covalent
 *   spheres, not hard spheres: diamond Si gives ≈ 0.58, not 0.34).
 * - coordination: j is a neighbour of i when |rᵢⱼ| ≤ (1 + tolerance)(rᵢ + rⱼ) over all periodic
 *   images (tolerance 0.25 by default, the covalent-radius cutoff of e.g. pymatgen's
 *   CovalentBondNN is of this kind); mean, min and max coordination number and the mean,
 *   min and max of the bond lengths found.
 * - space group number (given with the structure, e.g. by the source database: finding
 *   symmetry is not done here) and its crystal system 1 (triclinic) … 7 (cubic).
 * - lattice anisotropy: max(a,b,c)/min(a,b,c) and the mean |angle − 90°|.
 */
export interface StructureInput {
  /** Lattice vectors as rows, Å. */
  readonly latticeA: readonly (readonly [number, number, number])[];
  readonly species: readonly string[];
  /** Fractional coordinates, one triple per site. */
  readonly fractional: readonly (readonly [number, number, number])[];
  readonly spaceGroupNumber?: number;
}

const names: [string, string][] = [
  ["density", "g/cm³"],
  ["volume_per_atom", "Å³"],
  ["packing_fraction", "1"],
  ["mean_coordination", "1"],
  ["min_coordination", "1"],
  ["max_coordination", "1"],
  ["mean_bond_length", "Å"],
  ["min_bond_length", "Å"],
  ["max_bond_length", "Å"],
  ["space_group_number", "1"],
  ["crystal_system", "1"],
  ["lattice_length_ratio", "1"],
  ["lattice_angle_deviation", "deg"],
];

export const STRUCTURE_DESCRIPTORS: DescriptorSetInfo = {
  name: "structure",
  version: "1.0.0",
  features: names.map(([name, unit]): FeatureSpec => ({ name, unit, group: "structure", scale: "crystal" })),
};

const AVOGADRO_PER_MOL = 6.02214076e23;

export function crystalSystem(spaceGroupNumber: number): number {
  const bounds = [2, 15, 74, 142, 167, 194, 230];
  const idx = bounds.findIndex((b) => spaceGroupNumber <= b);
  return idx < 0 || spaceGroupNumber < 1 ? NaN : idx + 1;
}

type Vec = [number, number, number];
const dot = (a: Vec, b: Vec): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec, b: Vec): Vec => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const norm = (a: Vec): number => Math.sqrt(dot(a, a));

export class StructureFeaturizer {
  readonly info = STRUCTURE_DESCRIPTORS;
  constructor(private readonly bondTolerance = 0.25) {}

  featurize(s: StructureInput): Float64Array {
    const n = s.species.length;
    if (n === 0 || s.fractional.length !== n || s.latticeA.length !== 3) {
      throw new FeaturizationError("structure", "needs 3 lattice vectors and one position per species");
    }
    const [a, b, c] = s.latticeA.map((v) => [v[0], v[1], v[2]] as Vec) as [Vec, Vec, Vec];
    const volume = Math.abs(dot(a, cross(b, c)));
    if (!(volume > 1e-8)) throw new FeaturizationError("structure", "degenerate lattice");
    const radiiA: number[] = [];
    let massAmu = 0;
    let sphereVolume = 0;
    for (const sp of s.species) {
      const props = ELEMENTAL_TABLE.get(sp);
      if (!props) throw new FeaturizationError("structure", `no elemental data for ${sp}`);
      const r = props.covalentRadiusPm / 100;
      radiiA.push(r);
      massAmu += elementBySymbol(sp).atomicMassAmu;
      sphereVolume += (4 / 3) * Math.PI * r ** 3;
    }
    const cart = s.fractional.map((f): Vec => [
      f[0] * a[0] + f[1] * b[0] + f[2] * c[0],
      f[0] * a[1] + f[1] * b[1] + f[2] * c[1],
      f[0] * a[2] + f[1] * b[2] + f[2] * c[2],
    ]);
    const maxR = Math.max(...radiiA);
    const cutoffMax = (1 + this.bondTolerance) * 2 * maxR;
    // Images needed along each axis: the cutoff over the spacing of the lattice planes.
    const spacing = [norm(cross(b, c)), norm(cross(c, a)), norm(cross(a, b))].map((area) => volume / area);
    const reach = spacing.map((d) => Math.ceil(cutoffMax / d)) as [number, number, number];

    const coordination = new Array<number>(n).fill(0);
    let bondSum = 0;
    let bondCount = 0;
    let bondMin = Infinity;
    let bondMax = -Infinity;
    for (let i = 0; i < n; i++) {
      const ri = cart[i] as Vec;
      for (let j = 0; j < n; j++) {
        const rj = cart[j] as Vec;
        const cutoff = (1 + this.bondTolerance) * ((radiiA[i] as number) + (radiiA[j] as number));
        for (let u = -reach[0]; u <= reach[0]; u++) {
          for (let v = -reach[1]; v <= reach[1]; v++) {
            for (let w = -reach[2]; w <= reach[2]; w++) {
              if (i === j && u === 0 && v === 0 && w === 0) continue;
              const dx = rj[0] + u * a[0] + v * b[0] + w * c[0] - ri[0];
              const dy = rj[1] + u * a[1] + v * b[1] + w * c[1] - ri[1];
              const dz = rj[2] + u * a[2] + v * b[2] + w * c[2] - ri[2];
              const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
              if (d <= cutoff && d > 1e-6) {
                coordination[i] = (coordination[i] as number) + 1;
                bondSum += d;
                bondCount += 1;
                if (d < bondMin) bondMin = d;
                if (d > bondMax) bondMax = d;
              }
            }
          }
        }
      }
    }
    const lengths = [norm(a), norm(b), norm(c)];
    const angle = (p: Vec, q: Vec): number => (Math.acos(dot(p, q) / (norm(p) * norm(q))) * 180) / Math.PI;
    const angles = [angle(b, c), angle(a, c), angle(a, b)];
    const sg = s.spaceGroupNumber ?? NaN;
    return Float64Array.from([
      massAmu / AVOGADRO_PER_MOL / (volume * 1e-24),
      volume / n,
      sphereVolume / volume,
      coordination.reduce((p, q) => p + q, 0) / n,
      Math.min(...coordination),
      Math.max(...coordination),
      bondCount ? bondSum / bondCount : NaN,
      bondCount ? bondMin : NaN,
      bondCount ? bondMax : NaN,
      sg,
      crystalSystem(sg),
      Math.max(...lengths) / Math.min(...lengths),
      angles.reduce((p, q) => p + Math.abs(q - 90), 0) / 3,
    ]);
  }
}
