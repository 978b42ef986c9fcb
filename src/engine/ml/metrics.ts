/**
 * Regression metrics (MAE, RMSE, R² = 1 − SS_res/SS_tot) and binary-classification
 * metrics (precision, recall, F1 at a threshold; ROC AUC by the rank statistic of
 * Mann–Whitney, ties counted one half). Units: MAE and RMSE in the target's unit.
 */
export interface RegressionMetrics {
  readonly mae: number;
  readonly rmse: number;
  readonly r2: number;
  readonly n: number;
}

export function regressionMetrics(y: ArrayLike<number>, yhat: ArrayLike<number>): RegressionMetrics {
  const n = y.length;
  if (n === 0) return { mae: NaN, rmse: NaN, r2: NaN, n: 0 };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i] as number;
  mean /= n;
  let ae = 0;
  let se = 0;
  let st = 0;
  for (let i = 0; i < n; i++) {
    const d = (yhat[i] as number) - (y[i] as number);
    ae += Math.abs(d);
    se += d * d;
    st += ((y[i] as number) - mean) ** 2;
  }
  return { mae: ae / n, rmse: Math.sqrt(se / n), r2: st > 0 ? 1 - se / st : NaN, n };
}

export interface ClassificationMetrics {
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly rocAuc: number;
  readonly n: number;
}

export function rocAuc(y: ArrayLike<number>, score: ArrayLike<number>): number {
  const n = y.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (score[a] as number) - (score[b] as number));
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && score[order[j + 1] as number] === score[order[i] as number]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if ((y[order[k] as number] as number) > 0.5) {
        pos += 1;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function classificationMetrics(
  y: ArrayLike<number>,
  probability: ArrayLike<number>,
  threshold = 0.5,
): ClassificationMetrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < y.length; i++) {
    const actual = (y[i] as number) > 0.5;
    const predicted = (probability[i] as number) >= threshold;
    if (actual && predicted) tp++;
    else if (!actual && predicted) fp++;
    else if (actual) fn++;
    else tn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  return {
    accuracy: (tp + tn) / Math.max(1, y.length),
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    rocAuc: rocAuc(y, probability),
    n: y.length,
  };
}
