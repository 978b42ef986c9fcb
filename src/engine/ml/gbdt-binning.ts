import type { FeatureMatrix } from "./feature-matrix";
import { type Rng, permutation } from "./random";

/**
 * Histogram binning for gradient boosting (as in LightGBM and xgboost "hist"): each
 * feature's values are cut at up to 254 quantile thresholds; bin 0 holds missing values
 * (NaN), bin k ≥ 1 holds values in (t[k−2], t[k−1]]. A split "bin ≤ b" is then exactly
 * "value ≤ t[b−1]", which is what a saved tree stores, so trees apply to raw values.
 */
export const MAX_BINS = 256;

export class FeatureBinner {
  private constructor(readonly thresholds: Float64Array[]) {}

  /** Thresholds from at most `sampleRows` rows (chosen with `rng`): quantiles need no more. */
  static fit(x: FeatureMatrix, maxBins = MAX_BINS, rng?: Rng, sampleRows = 200_000): FeatureBinner {
    const take = rng && x.rows > sampleRows ? permutation(x.rows, rng).subarray(0, sampleRows) : null;
    const n = take ? take.length : x.rows;
    const valueBins = Math.min(maxBins, MAX_BINS) - 1;
    const column = new Float64Array(n);
    const thresholds: Float64Array[] = [];
    for (let f = 0; f < x.cols; f++) {
      let k = 0;
      for (let i = 0; i < n; i++) {
        const r = take ? (take[i] as number) : i;
        const v = x.data[r * x.cols + f] as number;
        if (!Number.isNaN(v)) column[k++] = v;
      }
      const sorted = column.subarray(0, k).sort();
      const distinct: number[] = [];
      for (let i = 0; i < k; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i] as number);
      let cuts: number[];
      if (distinct.length <= valueBins) {
        // Every distinct value gets its own bin; the largest needs no threshold.
        cuts = distinct.slice(0, -1);
      } else {
        cuts = [];
        for (let b = 1; b < valueBins; b++) {
          const v = sorted[Math.min(k - 1, Math.floor((b * k) / valueBins))] as number;
          if (cuts.length === 0 || v > (cuts[cuts.length - 1] as number)) cuts.push(v);
        }
        if (cuts[cuts.length - 1] === sorted[k - 1]) cuts.pop();
      }
      thresholds.push(Float64Array.from(cuts));
    }
    return new FeatureBinner(thresholds);
  }

  static fromJSON(thresholds: number[][]): FeatureBinner {
    return new FeatureBinner(thresholds.map((t) => Float64Array.from(t)));
  }

  toJSON(): number[][] {
    return this.thresholds.map((t) => Array.from(t));
  }

  /** Number of bins of feature f, including the missing-value bin 0. */
  binCount(f: number): number {
    return (this.thresholds[f] as Float64Array).length + 2;
  }

  /** Row-major bins (row r, feature f at r·cols + f). */
  transform(x: FeatureMatrix): Uint8Array {
    const out = new Uint8Array(x.rows * x.cols);
    for (let f = 0; f < x.cols; f++) {
      const t = this.thresholds[f] as Float64Array;
      const nt = t.length;
      for (let r = 0; r < x.rows; r++) {
        const v = x.data[r * x.cols + f] as number;
        if (Number.isNaN(v)) continue;
        let lo = 0;
        let hi = nt;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if ((t[mid] as number) < v) lo = mid + 1;
          else hi = mid;
        }
        out[r * x.cols + f] = lo + 1;
      }
    }
    return out;
  }
}
