/**
 * Compressed sparse row matrices in typed arrays (no per-entry objects). Assembled FE
 * matrices store both triangles with sorted columns; the pattern comes from the node
 * graph with `dofPerNode` dofs per node, so the entry (d·n+i, d·m+j) of node pair (n, m)
 * sits at rowPtr[d·n+i] + d·k + j with k the position of m in n's neighbour list.
 */
export interface CsrMatrix {
  readonly rows: number;
  readonly rowPtr: Int32Array;
  readonly col: Int32Array;
  readonly val: Float64Array;
}

export interface NodeGraph {
  readonly nodeCount: number;
  readonly ptr: Int32Array;
  readonly adj: Int32Array;
}

/** Node adjacency (including self) of a mesh connectivity, sorted per node. */
export function nodeGraph(nodeCount: number, connectivity: Int32Array, nodesPerElement: number): NodeGraph {
  const elementCount = connectivity.length / nodesPerElement;
  // Node → element incidence.
  const incPtr = new Int32Array(nodeCount + 1);
  for (let t = 0; t < connectivity.length; t++) incPtr[(connectivity[t] as number) + 1]!++;
  for (let n = 0; n < nodeCount; n++) incPtr[n + 1] = (incPtr[n + 1] as number) + (incPtr[n] as number);
  const inc = new Int32Array(connectivity.length);
  const fill = incPtr.slice(0, nodeCount);
  for (let e = 0; e < elementCount; e++)
    for (let a = 0; a < nodesPerElement; a++) {
      const n = connectivity[e * nodesPerElement + a] as number;
      inc[fill[n]!++] = e;
    }
  const marker = new Int32Array(nodeCount).fill(-1);
  const ptr = new Int32Array(nodeCount + 1);
  let maxIncidence = 0;
  for (let n = 0; n < nodeCount; n++)
    maxIncidence = Math.max(maxIncidence, (incPtr[n + 1] as number) - (incPtr[n] as number));
  const scratch = new Int32Array(Math.max(1, maxIncidence * nodesPerElement));
  // Two passes: count, then fill, so the adjacency is one typed array.
  let adj = new Int32Array(0);
  for (let pass = 0; pass < 2; pass++) {
    marker.fill(-1);
    for (let n = 0; n < nodeCount; n++) {
      let count = 0;
      for (let q = incPtr[n] as number; q < (incPtr[n + 1] as number); q++) {
        const e = inc[q] as number;
        for (let a = 0; a < nodesPerElement; a++) {
          const m = connectivity[e * nodesPerElement + a] as number;
          if (marker[m] !== n) {
            marker[m] = n;
            scratch[count++] = m;
          }
        }
      }
      // A node no element touches still gets its diagonal.
      if (count === 0) scratch[count++] = n;
      if (pass === 0) ptr[n + 1] = (ptr[n] as number) + count;
      else {
        const row = adj.subarray(ptr[n] as number, (ptr[n] as number) + count);
        row.set(scratch.subarray(0, count));
        row.sort();
      }
    }
    if (pass === 0) adj = new Int32Array(ptr[nodeCount] as number);
  }
  return { nodeCount, ptr, adj };
}

/** Expands a node graph to a dof-level CSR pattern with zero values. */
export function csrFromGraph(graph: NodeGraph, dofPerNode: number): CsrMatrix {
  const d = dofPerNode;
  const rows = graph.nodeCount * d;
  const nnz = (graph.ptr[graph.nodeCount] as number) * d * d;
  if (nnz > 2 ** 31 - 1) throw new RangeError(`matrix too large for 32-bit indices (${nnz} entries)`);
  const rowPtr = new Int32Array(rows + 1);
  const col = new Int32Array(nnz);
  for (let n = 0; n < graph.nodeCount; n++) {
    const start = graph.ptr[n] as number;
    const deg = (graph.ptr[n + 1] as number) - start;
    for (let i = 0; i < d; i++) {
      const r = d * n + i;
      const base = d * d * start + i * d * deg;
      rowPtr[r] = base;
      for (let k = 0; k < deg; k++) {
        const m = graph.adj[start + k] as number;
        for (let j = 0; j < d; j++) col[base + d * k + j] = d * m + j;
      }
    }
  }
  rowPtr[rows] = nnz;
  return { rows, rowPtr, col, val: new Float64Array(nnz) };
}

/** Position of node m in node n's sorted neighbour list. */
export function neighbourIndex(graph: NodeGraph, n: number, m: number): number {
  let lo = graph.ptr[n] as number;
  let hi = (graph.ptr[n + 1] as number) - 1;
  const start = lo;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = graph.adj[mid] as number;
    if (v === m) return mid - start;
    if (v < m) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Adds a dense element matrix (nodes.length·d square, node-major) into A.
 * `slots` is scratch of length nodes.length².
 */
export function addElementMatrix(
  A: CsrMatrix,
  graph: NodeGraph,
  d: number,
  nodes: ArrayLike<number>,
  Ke: Float64Array,
  slots: Int32Array,
): void {
  const npe = nodes.length;
  const ndof = npe * d;
  for (let a = 0; a < npe; a++) {
    const n = nodes[a] as number;
    for (let b = 0; b < npe; b++) slots[a * npe + b] = neighbourIndex(graph, n, nodes[b] as number);
  }
  for (let a = 0; a < npe; a++) {
    const n = nodes[a] as number;
    const start = graph.ptr[n] as number;
    const deg = (graph.ptr[n + 1] as number) - start;
    for (let i = 0; i < d; i++) {
      const base = d * d * start + i * d * deg;
      const kr = (a * d + i) * ndof;
      for (let b = 0; b < npe; b++) {
        const off = base + d * (slots[a * npe + b] as number);
        const kc = kr + b * d;
        for (let j = 0; j < d; j++) A.val[off + j] = (A.val[off + j] as number) + (Ke[kc + j] as number);
      }
    }
  }
}

/** y = A x (A square or rectangular). */
export function multiply(A: CsrMatrix, x: Float64Array, y: Float64Array): void {
  const { rows, rowPtr, col, val } = A;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const end = rowPtr[r + 1] as number;
    for (let q = rowPtr[r] as number; q < end; q++) s += (val[q] as number) * (x[col[q] as number] as number);
    y[r] = s;
  }
}

export function diagonal(A: CsrMatrix): Float64Array {
  const d = new Float64Array(A.rows);
  for (let r = 0; r < A.rows; r++)
    for (let q = A.rowPtr[r] as number; q < (A.rowPtr[r + 1] as number); q++)
      if (A.col[q] === r) {
        d[r] = A.val[q] as number;
        break;
      }
  return d;
}

/** Sum of a CSR matrix and c·B with the same pattern (e.g. K + M/Δt). */
export function addScaled(A: CsrMatrix, B: CsrMatrix, c: number): CsrMatrix {
  const val = new Float64Array(A.val.length);
  for (let q = 0; q < val.length; q++) val[q] = (A.val[q] as number) + c * (B.val[q] as number);
  return { rows: A.rows, rowPtr: A.rowPtr, col: A.col, val };
}
