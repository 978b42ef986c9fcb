import { mat3, type Mat3 } from "./mat3";

/**
 * Periodic (minimum-image) distances. The fractional difference is first brought into
 * [-0.5, 0.5) and then the 27 neighbouring images are tried, which finds the true
 * minimum image for any reasonably reduced cell (Niggli or close to it) and a safe
 * upper bound otherwise.
 */
export function minImageDistanceSq(lattice: readonly (readonly number[])[] | Mat3, df: readonly number[]): number {
  const L = mat3(lattice);
  const d0 = (df[0] as number) - Math.round(df[0] as number);
  const d1 = (df[1] as number) - Math.round(df[1] as number);
  const d2 = (df[2] as number) - Math.round(df[2] as number);
  let best = Infinity;
  for (let i = -1; i <= 1; i++) {
    for (let j = -1; j <= 1; j++) {
      for (let k = -1; k <= 1; k++) {
        const a = d0 + i;
        const b = d1 + j;
        const c = d2 + k;
        const x = a * L[0][0] + b * L[1][0] + c * L[2][0];
        const y = a * L[0][1] + b * L[1][1] + c * L[2][1];
        const z = a * L[0][2] + b * L[1][2] + c * L[2][2];
        const d = x * x + y * y + z * z;
        if (d < best) best = d;
      }
    }
  }
  return best;
}

export function minImageDistance(lattice: readonly (readonly number[])[] | Mat3, df: readonly number[]): number {
  return Math.sqrt(minImageDistanceSq(lattice, df));
}
