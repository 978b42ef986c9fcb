import type { FeatureSpec } from "./descriptor-set";

/**
 * Z-score normalisation by unit group, the seed paper's preprocessing: every feature is
 * centred on its training mean; features sharing a physical unit (eV, GPa, Å³, K, …)
 * share one scale, the root-mean-square of their standard deviations, so that the
 * relative size of, say, a mean melting point and its range survives scaling.
 * Dimensionless features ("1") have nothing in common but the absence of a unit, so each
 * gets its own standard deviation. Statistics come from training rows only and are
 * stored with the model; missing values (NaN) are skipped when fitting and become 0 (the
 * training mean) when transforming.
 */
export interface NormaliserState {
  readonly kind: "unit-group-zscore";
  readonly means: number[];
  readonly scales: number[];
  readonly units: string[];
}

export class UnitGroupNormaliser {
  private constructor(private readonly state: NormaliserState) {}

  static fit(rows: readonly Float64Array[], features: readonly FeatureSpec[]): UnitGroupNormaliser {
    const m = features.length;
    const sum = new Float64Array(m);
    const count = new Float64Array(m);
    for (const r of rows) {
      for (let j = 0; j < m; j++) {
        const v = r[j] as number;
        if (Number.isFinite(v)) {
          sum[j] = (sum[j] as number) + v;
          count[j] = (count[j] as number) + 1;
        }
      }
    }
    const means = Array.from(sum, (s, j) => ((count[j] as number) > 0 ? s / (count[j] as number) : 0));
    const sq = new Float64Array(m);
    for (const r of rows) {
      for (let j = 0; j < m; j++) {
        const v = r[j] as number;
        if (Number.isFinite(v)) sq[j] = (sq[j] as number) + (v - (means[j] as number)) ** 2;
      }
    }
    const std = Array.from(sq, (s, j) => Math.sqrt(s / Math.max(1, count[j] as number)));
    const units = features.map((f) => f.unit);
    const groupScale = new Map<string, { ss: number; n: number }>();
    units.forEach((u, j) => {
      if (u === "1") return;
      const g = groupScale.get(u) ?? { ss: 0, n: 0 };
      g.ss += (std[j] as number) ** 2;
      g.n += 1;
      groupScale.set(u, g);
    });
    const scales = units.map((u, j) => {
      const g = groupScale.get(u);
      const s = g ? Math.sqrt(g.ss / g.n) : (std[j] as number);
      return s > 1e-12 ? s : 1;
    });
    return new UnitGroupNormaliser({ kind: "unit-group-zscore", means, scales, units });
  }

  static fromJSON(state: NormaliserState): UnitGroupNormaliser {
    return new UnitGroupNormaliser(state);
  }

  toJSON(): NormaliserState {
    return this.state;
  }

  transform(row: Float64Array, out = new Float64Array(row.length)): Float64Array {
    const { means, scales } = this.state;
    for (let j = 0; j < row.length; j++) {
      const v = row[j] as number;
      out[j] = Number.isFinite(v) ? (v - (means[j] as number)) / (scales[j] as number) : 0;
    }
    return out;
  }
}
