import { type Rng, createRng, permutation } from "./random";

/**
 * Seeded data splits: k-fold cross-validation and train/validation/test partitions, as
 * row-index arrays (the caller selects rows with them).
 */
export interface Fold {
  readonly train: Uint32Array;
  readonly test: Uint32Array;
}

export function kFold(n: number, k: number, seed: number): Fold[] {
  if (k < 2 || k > n) throw new RangeError(`k must be in 2..${n}, got ${k}`);
  const perm = permutation(n, createRng(seed));
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const start = Math.floor((f * n) / k);
    const end = Math.floor(((f + 1) * n) / k);
    const test = perm.slice(start, end);
    const train = new Uint32Array(n - test.length);
    train.set(perm.subarray(0, start));
    train.set(perm.subarray(end), start);
    folds.push({ train, test });
  }
  return folds;
}

export function trainValTestSplit(
  n: number,
  fractions: { val: number; test: number },
  seed: number | Rng,
): { train: Uint32Array; val: Uint32Array; test: Uint32Array } {
  const perm = permutation(n, typeof seed === "number" ? createRng(seed) : seed);
  const nTest = Math.round(n * fractions.test);
  const nVal = Math.round(n * fractions.val);
  return {
    test: perm.slice(0, nTest),
    val: perm.slice(nTest, nTest + nVal),
    train: perm.slice(nTest + nVal),
  };
}
