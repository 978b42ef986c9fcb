/** Small statistics helpers for protocol uncertainties. */

export function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
}

/** Standard error of the mean of independent samples (n−1 in the variance). */
export function standardError(xs: readonly number[]): number {
  if (xs.length < 2) return Number.NaN;
  const m = mean(xs);
  const v = xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
  return Math.sqrt(v / xs.length);
}

/** Means of `blocks` contiguous blocks of a time series. */
export function blockMeans(xs: readonly number[], blocks: number): number[] {
  const size = Math.floor(xs.length / blocks);
  const out: number[] = [];
  for (let b = 0; b < blocks && size > 0; b++) out.push(mean(xs.slice(b * size, (b + 1) * size)));
  return out;
}
