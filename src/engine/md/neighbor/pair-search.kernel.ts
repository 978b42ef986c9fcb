/**
 * The pair search of a neighbour-list build, over a range of local atoms, as a plain
 * function of binned arrays: NeighborList runs it for all atoms, force worker threads
 * for their share (the search is the costliest part of a build and would otherwise
 * stay serial). Lengths in Å. Imports nothing, so a worker can load it on its own.
 */

/** Extended atoms sorted into bins, as NeighborList.build leaves them. */
export interface BinnedAtoms {
  /** Extended positions; only locals are read here. */
  readonly x: Float64Array;
  readonly binOf: Int32Array;
  /** CSR over bins into the sorted arrays. */
  readonly binStart: Int32Array;
  /** Extended index of each sorted slot. */
  readonly sorted: Int32Array;
  /** Half-list key per sorted slot: keep (i, slot) iff key > 2i. */
  readonly sortedKey: Int32Array;
  readonly sortedPos: Float64Array;
  /**
   * Rows of bins to visit: per row, two linear bin-index offsets from the home bin,
   * first and one past last (the grid is padded, so no row leaves it).
   */
  readonly stencil: Int32Array;
}

/** Per-build sizes of the bin grid (unpadded bin counts). */
export interface BinGridShape {
  readonly nbx: number;
  readonly nby: number;
  readonly nbz: number;
  /** Rows in the stencil. */
  readonly stencilLength: number;
  /** (cutoff + skin)². */
  readonly rangeSq: number;
}

/**
 * Neighbours of locals i0..i1-1 written from list[base]; start[i] gets each atom's
 * first offset. Entries at or beyond `limit` are counted but not written, so the
 * return value (the end offset) tells the caller how much room it needed.
 */
export function searchPairs(
  b: BinnedAtoms,
  shape: BinGridShape,
  i0: number,
  i1: number,
  list: Int32Array,
  base: number,
  limit: number,
  start: Int32Array,
): number {
  const { stencilLength, rangeSq } = shape;
  const { x, binOf, binStart, sorted, sortedKey, stencil } = b;
  const sp = b.sortedPos;
  let count = base;
  for (let i = i0; i < i1; i++) {
    start[i] = count;
    const xi = x[3 * i]!;
    const yi = x[3 * i + 1]!;
    const zi = x[3 * i + 2]!;
    const twoI = 2 * i;
    const bin = binOf[i]!;
    for (let t = 0; t < stencilLength; t++) {
      const hi = binStart[bin + stencil[2 * t + 1]!]!;
      for (let q = binStart[bin + stencil[2 * t]!]!; q < hi; q++) {
        if (sortedKey[q]! <= twoI) continue;
        const dx = xi - sp[3 * q]!;
        const dy = yi - sp[3 * q + 1]!;
        const dz = zi - sp[3 * q + 2]!;
        if (dx * dx + dy * dy + dz * dz < rangeSq) {
          if (count < limit) list[count] = sorted[q]!;
          count++;
        }
      }
    }
  }
  return count;
}
