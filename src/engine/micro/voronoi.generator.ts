import { createRng } from "../ml/random";
import { MicroModelError } from "./micro.errors";
import { fibreRotation, randomRotation, type FibreTexture, type Rotation } from "./orientation";
import { gridDims, type GridDims } from "./voxel-grid";

/**
 * Periodic Voronoi polycrystal on a voxel grid: `grains` seeds uniform in the box (seeded
 * PRNG, so the same inputs give the same microstructure bit for bit); each voxel belongs to
 * the seed nearest its centre under the minimum-image convention, so grains continue across
 * the periodic faces exactly as the periodic FEM sees them. Seeds that win no voxel are
 * dropped and the grains renumbered 0..grainCount−1.
 *
 * Orientations: "random" draws each grain uniformly on SO(3); "fibre" puts a crystal
 * direction (default [001]) along a sample axis (default z) with a uniform spin about it.
 */
export type TextureKind = "random" | "fibre";

export interface VoronoiSpec {
  readonly voxels: number | readonly [number, number, number];
  readonly grains: number;
  readonly seed: number;
  readonly texture?: TextureKind;
  readonly fibre?: FibreTexture;
}

export interface Polycrystal {
  readonly dims: GridDims;
  /** Grain label of each voxel, i-fastest. */
  readonly labels: Int32Array;
  readonly grainCount: number;
  /** Row-major 3×3 rotation per grain (crystal axes as columns in the sample frame). */
  readonly orientations: readonly Rotation[];
}

export function voronoiPolycrystal(spec: VoronoiSpec): Polycrystal {
  const dims = gridDims(spec.voxels);
  const [n1, n2, n3] = dims;
  const N = n1 * n2 * n3;
  if (!Number.isInteger(spec.grains) || spec.grains < 1)
    throw new MicroModelError(`grains must be a positive integer, got ${spec.grains}`);
  if (spec.grains > N) throw new MicroModelError(`${spec.grains} grains cannot fit in ${N} voxels`);
  if (!Number.isFinite(spec.seed)) throw new MicroModelError(`seed must be a number, got ${spec.seed}`);
  const texture = spec.texture ?? "random";
  if (texture !== "random" && texture !== "fibre")
    throw new MicroModelError(`texture must be "random" or "fibre", got "${String(texture)}"`);
  const rng = createRng(spec.seed);
  const G = spec.grains;
  const seeds = new Float64Array(3 * G);
  for (let g = 0; g < G; g++) {
    seeds[3 * g] = rng() * n1;
    seeds[3 * g + 1] = rng() * n2;
    seeds[3 * g + 2] = rng() * n3;
  }
  const raw = new Int32Array(N);
  const minImage = (d: number, n: number): number => d - n * Math.round(d / n);
  for (let k = 0; k < n3; k++)
    for (let j = 0; j < n2; j++)
      for (let i = 0; i < n1; i++) {
        let best = 0;
        let bestD = Infinity;
        for (let g = 0; g < G; g++) {
          const dx = minImage(i + 0.5 - seeds[3 * g]!, n1);
          const dy = minImage(j + 0.5 - seeds[3 * g + 1]!, n2);
          const dz = minImage(k + 0.5 - seeds[3 * g + 2]!, n3);
          const d = dx * dx + dy * dy + dz * dz;
          if (d < bestD) {
            bestD = d;
            best = g;
          }
        }
        raw[i + n1 * (j + n2 * k)] = best;
      }
  const renumber = new Int32Array(G).fill(-1);
  let grainCount = 0;
  for (let v = 0; v < N; v++) {
    const g = raw[v]!;
    if (renumber[g] === -1) renumber[g] = grainCount++;
  }
  const labels = raw.map((g) => renumber[g]!);
  // Orientations are drawn per seed in seed order, so dropping an empty grain leaves the others unchanged.
  const bySeed: Rotation[] = [];
  for (let g = 0; g < G; g++) bySeed.push(texture === "random" ? randomRotation(rng) : fibreRotation(rng, spec.fibre));
  const orientations: Rotation[] = new Array<Rotation>(grainCount);
  for (let g = 0; g < G; g++) if (renumber[g]! >= 0) orientations[renumber[g]!] = bySeed[g]!;
  return { dims, labels, grainCount, orientations };
}
