/**
 * Calibration of predicted uncertainties and active-learning ranking.
 *
 * Calibration (variance scaling, V. Kuleshov et al., ICML 2018 in its simplest form;
 * D. Levi et al., 2019): find s minimising the Gaussian negative log-likelihood of the
 * held-out residuals rᵢ under N(0, (s σᵢ)²), which has the closed form
 *   s² = mean(rᵢ² / σᵢ²).
 * A calibrated model has z = r/σ with unit variance; we also report the share of
 * residuals inside ±1σ and ±2σ (0.683 and 0.954 for a Gaussian) and the miscalibration
 * area, the mean |observed − expected| coverage over 1 %…99 % central intervals.
 */
export interface CalibrationReport {
  readonly scale: number;
  readonly within1Sigma: number;
  readonly within2Sigma: number;
  readonly miscalibrationArea: number;
}

/** Inverse of the standard normal CDF (P. J. Acklam's rational approximation, |ε| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
    2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const poly = (k: number[], x: number): number => k.reduce((s, v) => s * x + v, 0);
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - 0.02425) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

function coverage(residual: ArrayLike<number>, sigma: ArrayLike<number>, scale: number, z: number): number {
  let inside = 0;
  let n = 0;
  for (let i = 0; i < residual.length; i++) {
    const s = (sigma[i] as number) * scale;
    if (!(s > 0)) continue;
    n++;
    if (Math.abs(residual[i] as number) <= z * s) inside++;
  }
  return n ? inside / n : NaN;
}

export function calibrationReport(
  y: ArrayLike<number>,
  mean: ArrayLike<number>,
  sigma: ArrayLike<number>,
  scale = 1,
): CalibrationReport {
  const residual = Float64Array.from({ length: y.length }, (_, i) => (mean[i] as number) - (y[i] as number));
  let area = 0;
  for (let k = 1; k <= 99; k++) {
    const p = k / 100;
    area += Math.abs(coverage(residual, sigma, scale, normalQuantile(0.5 + p / 2)) - p);
  }
  return {
    scale,
    within1Sigma: coverage(residual, sigma, scale, 1),
    within2Sigma: coverage(residual, sigma, scale, 2),
    miscalibrationArea: area / 99,
  };
}

/** The variance-scaling factor s fitted on held-out rows (rows with σ ≤ 0 or NaN are skipped). */
export function fitCalibrationScale(y: ArrayLike<number>, mean: ArrayLike<number>, sigma: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    const sd = sigma[i] as number;
    if (!(sd > 0)) continue;
    s += ((mean[i] as number) - (y[i] as number)) ** 2 / (sd * sd);
    n++;
  }
  return n ? Math.sqrt(s / n) : NaN;
}

/**
 * Active learning by uncertainty sampling: candidate indices, most uncertain first
 * (ties by index, so the order is deterministic). `exclude` are rows already labelled.
 */
export function rankByUncertainty(sigma: ArrayLike<number>, exclude: ReadonlySet<number> = new Set()): number[] {
  const idx: number[] = [];
  for (let i = 0; i < sigma.length; i++) if (!exclude.has(i) && Number.isFinite(sigma[i] as number)) idx.push(i);
  return idx.sort((a, b) => (sigma[b] as number) - (sigma[a] as number) || a - b);
}
