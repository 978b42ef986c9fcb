import { MicroModelError } from "./micro.errors";

/**
 * A periodic voxel grid of n1 × n2 × n3 cubic voxels. Voxel (i, j, k) has the linear index
 * i + n1·(j + n2·k) (i fastest) and its centre at (i + ½, j + ½, k + ½) voxel edges.
 * Lengths inside the grid are in voxel edges; physical sizes are applied by callers through
 * an explicit `voxelSizeM`.
 */
export type GridDims = readonly [number, number, number];

/** Per-voxel integer labels (phase or grain) on a periodic grid. */
export interface LabelledGrid {
  readonly dims: GridDims;
  readonly labels: Uint8Array | Uint16Array | Int32Array | Uint32Array;
}

export function voxelCount(dims: GridDims): number {
  return dims[0] * dims[1] * dims[2];
}

/** Accepts n or [n1, n2, n3]; every edge must be an integer ≥ 2. */
export function gridDims(voxels: number | readonly [number, number, number], what = "voxels"): GridDims {
  const d: [number, number, number] =
    typeof voxels === "number" ? [voxels, voxels, voxels] : [voxels[0], voxels[1], voxels[2]];
  for (const n of d) {
    if (!Number.isInteger(n) || n < 2)
      throw new MicroModelError(`${what} must be integers ≥ 2 per edge, got [${d.join(", ")}]`);
  }
  return d;
}

export function wrapIndex(i: number, n: number): number {
  const r = i % n;
  return r < 0 ? r + n : r;
}

/** Number of voxels carrying each label 0..labelCount−1. */
export function labelCounts(grid: LabelledGrid, labelCount: number): Float64Array {
  const counts = new Float64Array(labelCount);
  for (let v = 0; v < grid.labels.length; v++) {
    const l = grid.labels[v]!;
    if (!(l >= 0 && l < labelCount))
      throw new MicroModelError(`voxel ${v} has label ${l}, outside 0..${labelCount - 1}`);
    counts[l]! += 1;
  }
  return counts;
}
