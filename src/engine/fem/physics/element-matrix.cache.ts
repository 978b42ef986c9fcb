/**
 * Reuse of element matrices between congruent elements. An element matrix depends on
 * the node coordinates only through their offsets from the first node (a translation
 * changes nothing), so on a structured mesh every element of a block repeats the same
 * matrix. The cache keeps the last few distinct shapes and hands back a stored matrix
 * when the offsets agree to `relativeTolerance` of the element size — far below any
 * modelling accuracy, while coordinates computed as i·h still match despite round-off.
 * Distorted meshes simply miss and are computed element by element.
 */
export interface ElementMatrixCache {
  /** The stored matrix and its smallest Jacobian determinant for a congruent element, or null. */
  lookup(xe: Float64Array): { readonly matrix: Float64Array; readonly minDet: number } | null;
  store(xe: Float64Array, matrix: Float64Array, minDet: number): void;
  readonly hits: number;
}

export function elementMatrixCache(capacity = 8, relativeTolerance = 1e-10): ElementMatrixCache {
  const offsets: Float64Array[] = [];
  const matrices: Float64Array[] = [];
  const dets: number[] = [];
  let next = 0;
  let hits = 0;
  let scratch = new Float64Array(0);
  const offsetsOf = (xe: Float64Array): number => {
    if (scratch.length !== xe.length) scratch = new Float64Array(xe.length);
    let size = 0;
    for (let i = 0; i < xe.length; i++) {
      const v = (xe[i] as number) - (xe[i % 3] as number);
      scratch[i] = v;
      size = Math.max(size, Math.abs(v));
    }
    return size;
  };
  return {
    get hits() {
      return hits;
    },
    lookup(xe) {
      const tol = relativeTolerance * offsetsOf(xe);
      for (let s = 0; s < offsets.length; s++) {
        const o = offsets[s] as Float64Array;
        let same = o.length === scratch.length;
        for (let i = 0; same && i < o.length; i++)
          if (Math.abs((o[i] as number) - (scratch[i] as number)) > tol) same = false;
        if (same) {
          hits++;
          return { matrix: matrices[s] as Float64Array, minDet: dets[s] as number };
        }
      }
      return null;
    },
    store(xe, matrix, minDet) {
      offsetsOf(xe);
      const slot = offsets.length < capacity ? offsets.length : next;
      next = (slot + 1) % capacity;
      offsets[slot] = Float64Array.from(scratch);
      matrices[slot] = Float64Array.from(matrix);
      dets[slot] = minDet;
    },
  };
}
