/**
 * A dense row-major matrix of descriptors (rows = materials, columns = features), the
 * input of every model. Float64 so that a saved model reproduces its predictions exactly.
 */
export interface FeatureMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export function matrixFromRows(rows: readonly ArrayLike<number>[], cols?: number): FeatureMatrix {
  const m = cols ?? rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * m);
  rows.forEach((r, i) => {
    if (r.length !== m) throw new RangeError(`row ${i} has ${r.length} values, expected ${m}`);
    for (let j = 0; j < m; j++) data[i * m + j] = r[j] as number;
  });
  return { rows: rows.length, cols: m, data };
}

export function selectRows(x: FeatureMatrix, indices: ArrayLike<number>): FeatureMatrix {
  const data = new Float64Array(indices.length * x.cols);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i] as number;
    data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols);
  }
  return { rows: indices.length, cols: x.cols, data };
}

export function selectColumns(x: FeatureMatrix, columns: readonly number[]): FeatureMatrix {
  const data = new Float64Array(x.rows * columns.length);
  for (let i = 0; i < x.rows; i++) {
    for (let k = 0; k < columns.length; k++)
      data[i * columns.length + k] = x.data[i * x.cols + (columns[k] as number)] as number;
  }
  return { rows: x.rows, cols: columns.length, data };
}

export function pick(y: ArrayLike<number>, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = y[indices[i] as number] as number;
  return out;
}
