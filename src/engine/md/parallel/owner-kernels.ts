/**
 * Per-step work split by owner ranges rather than by pairs: thread t takes the locals
 * [i0, i1) and the ghosts [g0, g1) whose owners lie in that range. Ghosts are appended
 * in owner order at every build, so such a ghost range is contiguous, and no two
 * threads ever write the same entry. Each function does exactly the arithmetic of the
 * serial code it replaces (NeighborList.updateGhosts / needsRebuild / foldToOwners /
 * copyToGhosts), in the same order per entry, so results do not depend on the number
 * of threads. Imports nothing, so a worker can load it on its own.
 */

/** Thread-private partial sums (forces or densities) as one buffer per thread. */
export type ThreadBuffers = readonly Float64Array[];

/**
 * Where thread t's pair loops can write: locals from bounds[offset + stride·t] and
 * ghosts from bounds[offset + stride·t + 1] on (the control block's per-thread slots).
 * A thread's buffer is only cleared, and only read, there: the rest stays untouched
 * memory that the OS never has to provide.
 */
export interface WriteBounds {
  readonly bounds: Int32Array;
  readonly offset: number;
  readonly stride: number;
}

/** Zero the part of a thread's buffer its pair loops can write (stride values per atom). */
export function clearWritable(
  buffer: Float64Array,
  stride: number,
  localsFrom: number,
  n: number,
  ghostsFrom: number,
  M: number,
): void {
  buffer.fill(0, stride * localsFrom, stride * n);
  buffer.fill(0, stride * ghostsFrom, stride * M);
}

/**
 * buffers[0] = Σ_t buffers[t] (thread order) for the owned locals and ghosts, then each
 * ghost's sum added onto its owner in ghost order: the serial sum-then-fold, per range.
 * Entries a thread cannot have written (WriteBounds) are zeros and are skipped.
 */
export function reduceOwnedRange(
  buffers: ThreadBuffers,
  stride: number,
  owner: Int32Array,
  i0: number,
  i1: number,
  g0: number,
  g1: number,
  w: WriteBounds,
): void {
  const b0 = buffers[0]!;
  const T = buffers.length;
  const wb = w.bounds;
  for (let t = 1; t < T; t++) {
    const bt = buffers[t]!;
    const from = Math.max(i0, wb[w.offset + w.stride * t]!);
    for (let k = stride * from, end = stride * i1; k < end; k++) b0[k] = b0[k]! + bt[k]!;
  }
  if (stride === 3) {
    for (let g = g0; g < g1; g++) {
      const s = 3 * g;
      let x = b0[s]!;
      let y = b0[s + 1]!;
      let z = b0[s + 2]!;
      for (let t = 1; t < T; t++) {
        if (g < wb[w.offset + w.stride * t + 1]!) continue;
        const bt = buffers[t]!;
        x += bt[s]!;
        y += bt[s + 1]!;
        z += bt[s + 2]!;
      }
      const o = 3 * owner[g]!;
      b0[o] = b0[o]! + x;
      b0[o + 1] = b0[o + 1]! + y;
      b0[o + 2] = b0[o + 2]! + z;
    }
    return;
  }
  for (let g = g0; g < g1; g++) {
    for (let d = 0; d < stride; d++) {
      const s = stride * g + d;
      let v = b0[s]!;
      for (let t = 1; t < T; t++) if (g >= wb[w.offset + w.stride * t + 1]!) v += buffers[t]![s]!;
      const o = stride * owner[g]! + d;
      b0[o] = b0[o]! + v;
    }
  }
}

/** Copy owners' values (stride 1) onto the ghosts g0..g1-1. */
export function copyToOwnedGhosts(values: Float64Array, owner: Int32Array, g0: number, g1: number): void {
  for (let g = g0; g < g1; g++) values[g] = values[owner[g]!]!;
}

/**
 * Ghost positions from their owners' (already in x) for cell matrix h (row-major box
 * vectors at h[offset..offset+8]); returns the largest squared displacement of the
 * locals i0..i1-1 from refPos.
 */
export function refreshOwnedRange(
  x: Float64Array,
  refPos: Float64Array,
  owner: Int32Array,
  image: Int8Array,
  h: Float64Array,
  offset: number,
  i0: number,
  i1: number,
  g0: number,
  g1: number,
): number {
  let max2 = 0;
  for (let i = 3 * i0, end = 3 * i1; i < end; i += 3) {
    const dx = x[i]! - refPos[i]!;
    const dy = x[i + 1]! - refPos[i + 1]!;
    const dz = x[i + 2]! - refPos[i + 2]!;
    const d2 = dx * dx + dy * dy + dz * dz;
    if (d2 > max2) max2 = d2;
  }
  const h0 = h[offset]!,
    h1 = h[offset + 1]!,
    h2 = h[offset + 2]!,
    h3 = h[offset + 3]!,
    h4 = h[offset + 4]!,
    h5 = h[offset + 5]!,
    h6 = h[offset + 6]!,
    h7 = h[offset + 7]!,
    h8 = h[offset + 8]!;
  for (let g = g0; g < g1; g++) {
    const o = 3 * owner[g]!;
    const a = image[3 * g]!;
    const b = image[3 * g + 1]!;
    const c = image[3 * g + 2]!;
    x[3 * g] = x[o]! + a * h0 + b * h3 + c * h6;
    x[3 * g + 1] = x[o + 1]! + a * h1 + b * h4 + c * h7;
    x[3 * g + 2] = x[o + 2]! + a * h2 + b * h5 + c * h8;
  }
  return max2;
}
