/**
 * Largest principal value of a symmetric 3×3 tensor given in Voigt order
 * [xx, yy, zz, yz, xz, xy] with tensor (not engineering) shear components. Closed form
 * (trigonometric solution of the characteristic cubic), so element loops need no eigen solver.
 */
export function maxPrincipal(a: number, b: number, c: number, yz: number, xz: number, xy: number): number {
  const offDiagonal = yz * yz + xz * xz + xy * xy;
  const mean = (a + b + c) / 3;
  if (offDiagonal === 0) return Math.max(a, b, c);
  const da = a - mean;
  const db = b - mean;
  const dc = c - mean;
  const p = Math.sqrt((da * da + db * db + dc * dc + 2 * offDiagonal) / 6);
  if (p === 0) return mean;
  // det((A − mean·I)/p) / 2, clamped against round-off.
  const det = da * (db * dc - yz * yz) - xy * (xy * dc - yz * xz) + xz * (xy * yz - db * xz);
  const r = Math.min(1, Math.max(-1, det / (2 * p * p * p)));
  return mean + 2 * p * Math.cos(Math.acos(r) / 3);
}

/**
 * Cheap upper bound of the largest principal value (Gershgorin discs): lets the element
 * loop skip the exact evaluation for elements far from failure.
 */
export function maxPrincipalBound(a: number, b: number, c: number, yz: number, xz: number, xy: number): number {
  const ayz = Math.abs(yz);
  const axz = Math.abs(xz);
  const axy = Math.abs(xy);
  return Math.max(a + axy + axz, b + axy + ayz, c + axz + ayz);
}

/** von Mises equivalent of a Voigt stress [xx, yy, zz, yz, xz, xy] (Pa). */
export function vonMisesOf(s: ArrayLike<number>, o: number): number {
  const sxx = s[o] as number;
  const syy = s[o + 1] as number;
  const szz = s[o + 2] as number;
  const syz = s[o + 3] as number;
  const sxz = s[o + 4] as number;
  const sxy = s[o + 5] as number;
  return Math.sqrt(
    0.5 * ((sxx - syy) ** 2 + (syy - szz) ** 2 + (szz - sxx) ** 2) + 3 * (syz * syz + sxz * sxz + sxy * sxy),
  );
}
