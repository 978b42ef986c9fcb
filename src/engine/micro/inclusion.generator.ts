import { createRng, type Rng } from "../ml/random";
import { MicroModelError } from "./micro.errors";
import { gridDims, wrapIndex, type GridDims } from "./voxel-grid";

/**
 * Two-phase voxel RVE of inclusions in a matrix, periodic in all three directions. Lengths in
 * voxel edges.
 *
 * Shapes: spheres of diameter d, and fibres as spherocylinders (capsules) of diameter d and
 * overall length L = aspectRatio·d. Both are "points within d/2 of a segment" (of length 0
 * for a sphere), so the distance to the segment gives an exact signed distance for the
 * sub-voxel geometry. Aligned fibres lie along z, and an aligned fibre at least as long as
 * the box becomes continuous (it closes on itself through the periodic face). Random fibres
 * have axes uniform on the sphere and must be shorter than the box.
 *
 * Placement is random sequential addition with a seeded PRNG. The CORE of an inclusion is the
 * voxels whose centres it contains; a candidate is rejected when its core comes within
 * `gapVoxels` (Euclidean distance between voxel centres) of a core already placed, so cores
 * never touch through a voxel face (touching cores would form stiff percolating clusters that
 * no dilute theory describes). The default gap is 1 voxel for spheres and 0 for fibres: slender
 * fibres with a gap jam (random sequential addition saturates) well below 20 %, and real fibres
 * do touch. Placement stops at the inclusion count whose core fraction is
 * closest to the target.
 *
 * Each voxel also gets the inclusion's volume fraction inside it (4×4×4 sub-samples where the
 * surface crosses the voxel, exact 0 or 1 where the signed distance of the centre exceeds half
 * the voxel diagonal) and the surface normal there, for laminate "composite voxels". The
 * reported `volumeFraction` is the mean of those sub-voxel fractions, the geometric fraction
 * every comparison should use; `labels` marks the cores.
 */
export type InclusionShape = "sphere" | "fibre";
export type FibreOrientation = "aligned" | "random";

export interface InclusionSpec {
  readonly voxels: number | readonly [number, number, number];
  /** Target inclusion volume fraction in (0, 0.6]. */
  readonly volumeFraction: number;
  readonly shape: InclusionShape;
  /** Fibre length / diameter (≥ 1); ignored for spheres. */
  readonly aspectRatio?: number;
  readonly orientation?: FibreOrientation;
  /** Inclusion diameter in voxel edges; default n/4 for spheres, min(n/4, 0.9·n/aspect) (≥ 2) for fibres. */
  readonly diameterVoxels?: number;
  readonly gapVoxels?: number;
  readonly seed: number;
  /** Rejected candidates in a row before giving up; default 20000. */
  readonly maxAttempts?: number;
}

export interface InclusionRve {
  readonly dims: GridDims;
  /** 1 where a voxel centre lies in an inclusion (its core), else 0; i-fastest. */
  readonly labels: Uint8Array;
  /** Inclusion volume fraction inside each voxel, in [0, 1]. */
  readonly inclusionFraction: Float64Array;
  /** Outward unit normal of the inclusion surface (x, y, z per voxel) where 0 < fraction < 1, else zeros. */
  readonly normals: Float64Array;
  /** Mean of inclusionFraction: the geometric volume fraction. */
  readonly volumeFraction: number;
  readonly inclusionCount: number;
  readonly diameterVoxels: number;
  readonly lengthVoxels: number;
}

const HALF_DIAGONAL = Math.sqrt(3) / 2;
const SUB = 4;

interface Candidate {
  readonly core: number[];
  readonly touched: { index: number; fraction: number; normal: [number, number, number] }[];
}

export function inclusionRve(spec: InclusionSpec): InclusionRve {
  const dims = gridDims(spec.voxels);
  const [n1, n2, n3] = dims;
  const N = n1 * n2 * n3;
  const nMin = Math.min(n1, n2, n3);
  const target = spec.volumeFraction;
  if (!(target > 0 && target <= 0.6)) throw new MicroModelError(`volume fraction must lie in (0, 0.6], got ${target}`);
  if (spec.shape !== "sphere" && spec.shape !== "fibre")
    throw new MicroModelError(`shape must be "sphere" or "fibre", got "${String(spec.shape)}"`);
  const aspect = spec.shape === "sphere" ? 1 : (spec.aspectRatio ?? 10);
  if (!(aspect >= 1 && Number.isFinite(aspect)))
    throw new MicroModelError(`aspect ratio must be a number ≥ 1, got ${spec.aspectRatio}`);
  const orientation = spec.orientation ?? "random";
  if (orientation !== "aligned" && orientation !== "random")
    throw new MicroModelError(`orientation must be "aligned" or "random", got "${String(orientation)}"`);
  const d =
    spec.diameterVoxels ??
    (spec.shape === "sphere" ? nMin / 4 : Math.max(2, Math.min(nMin / 4, (0.9 * nMin) / aspect)));
  if (!(d >= 1 && d < nMin / 2))
    throw new MicroModelError(
      `inclusion diameter must lie in [1, ${nMin / 2}) voxels for a ${n1}×${n2}×${n3} grid, got ${d}`,
    );
  const length = aspect * d;
  const continuous = spec.shape === "fibre" && orientation === "aligned" && length >= n3;
  if (spec.shape === "fibre" && orientation === "random" && length >= 0.95 * nMin) {
    throw new MicroModelError(
      `random fibres of length ${length.toFixed(1)} voxels (aspect ${aspect} × diameter ${d.toFixed(2)}) do not fit in a ${nMin}-voxel box: use more voxels, a smaller diameter or a smaller aspect ratio`,
    );
  }
  const gap = spec.gapVoxels ?? (spec.shape === "sphere" ? 1 : 0);
  if (!(Number.isInteger(gap) && gap >= 0))
    throw new MicroModelError(`gap must be a non-negative integer number of voxels, got ${gap}`);
  const maxAttempts = spec.maxAttempts ?? 20000;
  const rng = createRng(spec.seed);

  const labels = new Uint8Array(N);
  const fraction = new Float64Array(N);
  const normalSum = new Float64Array(3 * N);
  const blocked = new Uint8Array(N);
  let filled = 0;
  let count = 0;
  let failures = 0;
  const segmentHalf = continuous ? Infinity : Math.max(0, (length - d) / 2);
  while (filled < target * N) {
    const capsule = drawCapsule(dims, spec.shape === "fibre" && orientation === "random", rng);
    // Cores decide acceptance; sub-voxel fractions are only worth computing for accepted ones.
    const trial = rasterise(dims, capsule, d / 2, segmentHalf, false);
    if (trial.core.length === 0 || trial.core.some((v) => blocked[v] === 1)) {
      if (++failures > maxAttempts) {
        throw new MicroModelError(
          `could not place another inclusion after ${maxAttempts} attempts (reached fraction ${(filled / N).toFixed(4)} of ${target} with ${count} inclusions): lower the fraction, the gap or the inclusion size`,
        );
      }
      continue;
    }
    failures = 0;
    const c = rasterise(dims, capsule, d / 2, segmentHalf, true);
    const next = filled + c.core.length;
    if (next > target * N && next - target * N > target * N - filled) break;
    filled = next;
    count++;
    for (const v of c.core) {
      labels[v] = 1;
      block(blocked, v, dims, gap);
    }
    for (const p of c.touched) {
      fraction[p.index] = fraction[p.index]! + p.fraction;
      // Fraction-weighted normals: where two surfaces share a voxel the larger share dominates.
      for (let k = 0; k < 3; k++) normalSum[3 * p.index + k] = normalSum[3 * p.index + k]! + p.fraction * p.normal[k]!;
    }
  }
  const normals = new Float64Array(3 * N);
  for (let v = 0; v < N; v++) {
    const f = Math.min(1, fraction[v]!);
    fraction[v] = f;
    const len = Math.hypot(normalSum[3 * v]!, normalSum[3 * v + 1]!, normalSum[3 * v + 2]!);
    if (f > 0 && f < 1 && len > 0) for (let k = 0; k < 3; k++) normals[3 * v + k] = normalSum[3 * v + k]! / len;
    else if (f > 0 && f < 1) fraction[v] = f >= 0.5 ? 1 : 0; // opposite normals cancelled: no usable interface direction
  }
  const total = fraction.reduce((s, f) => s + f, 0);
  return {
    dims,
    labels,
    inclusionFraction: fraction,
    normals,
    volumeFraction: total / N,
    inclusionCount: count,
    diameterVoxels: d,
    lengthVoxels: spec.shape === "sphere" ? d : continuous ? n3 : length,
  };
}

function block(blocked: Uint8Array, v: number, dims: GridDims, gap: number): void {
  const [n1, n2, n3] = dims;
  const i = v % n1;
  const j = Math.floor(v / n1) % n2;
  const k = Math.floor(v / (n1 * n2));
  for (let dz = -gap; dz <= gap; dz++)
    for (let dy = -gap; dy <= gap; dy++)
      for (let dx = -gap; dx <= gap; dx++)
        if (dx * dx + dy * dy + dz * dz <= gap * gap)
          blocked[wrapIndex(i + dx, n1) + n1 * (wrapIndex(j + dy, n2) + n2 * wrapIndex(k + dz, n3))] = 1;
}

interface Capsule {
  readonly centre: readonly [number, number, number];
  readonly axis: readonly [number, number, number];
}

function drawCapsule(dims: GridDims, randomAxis: boolean, rng: Rng): Capsule {
  const centre = [rng() * dims[0], rng() * dims[1], rng() * dims[2]] as const;
  if (!randomAxis) return { centre, axis: [0, 0, 1] };
  const z = 2 * rng() - 1;
  const phi = 2 * Math.PI * rng();
  const s = Math.sqrt(1 - z * z);
  return { centre, axis: [s * Math.cos(phi), s * Math.sin(phi), z] };
}

/**
 * The voxels of a capsule: a segment of half-length `half` (0 for a sphere, Infinity for a
 * continuous fibre along z) thickened by `radius`. Cores always; with `withFractions` also
 * every touched voxel with its inclusion fraction and surface normal.
 */
function rasterise(dims: GridDims, capsule: Capsule, radius: number, half: number, withFractions: boolean): Candidate {
  const [n1, n2, n3] = dims;
  const { centre, axis } = capsule;
  const continuous = half === Infinity;
  // Vector from the nearest point of the segment to (dx, dy, dz) measured from the centre.
  const offset = (dx: number, dy: number, dz: number): [number, number, number] => {
    if (continuous) return [dx, dy, 0];
    const t = Math.max(-half, Math.min(half, dx * axis[0] + dy * axis[1] + dz * axis[2]));
    return [dx - t * axis[0], dy - t * axis[1], dz - t * axis[2]];
  };
  const ranges = [0, 1, 2].map((c) => {
    const n = dims[c]!;
    if (continuous && c === 2) return [0, n - 1] as const;
    const extent = (continuous ? 0 : Math.abs(axis[c]!) * half) + radius + 1;
    return [Math.floor(centre[c]! - extent), Math.ceil(centre[c]! + extent)] as const;
  });
  // A range longer than its box edge wraps onto itself: only then can a voxel come up twice.
  const seen = ranges.some((r, c) => r[1] - r[0] + 1 > dims[c]!) ? new Set<number>() : null;
  const core: number[] = [];
  const touched: Candidate["touched"] = [];
  for (let k = ranges[2]![0]; k <= ranges[2]![1]; k++)
    for (let j = ranges[1]![0]; j <= ranges[1]![1]; j++)
      for (let i = ranges[0]![0]; i <= ranges[0]![1]; i++) {
        const index = wrapIndex(i, n1) + n1 * (wrapIndex(j, n2) + n2 * wrapIndex(k, n3));
        if (seen?.has(index)) continue;
        const dx = i + 0.5 - centre[0];
        const dy = j + 0.5 - centre[1];
        const dz = k + 0.5 - centre[2];
        const o = offset(dx, dy, dz);
        const dist = Math.sqrt(o[0] * o[0] + o[1] * o[1] + o[2] * o[2]);
        const signed = dist - radius;
        if (signed >= HALF_DIAGONAL) continue;
        seen?.add(index);
        if (signed <= 0) core.push(index);
        if (!withFractions) continue;
        let f = 1;
        if (signed > -HALF_DIAGONAL) {
          let inside = 0;
          for (let a = 0; a < SUB; a++)
            for (let b = 0; b < SUB; b++)
              for (let c = 0; c < SUB; c++) {
                const q = offset(dx + (c + 0.5) / SUB - 0.5, dy + (b + 0.5) / SUB - 0.5, dz + (a + 0.5) / SUB - 0.5);
                if (q[0] * q[0] + q[1] * q[1] + q[2] * q[2] <= radius * radius) inside++;
              }
          f = inside / SUB ** 3;
        }
        if (f === 0) continue;
        const normal: [number, number, number] = dist > 0 ? [o[0] / dist, o[1] / dist, o[2] / dist] : [0, 0, 1];
        touched.push({ index, fraction: f, normal });
      }
  return { core, touched };
}
