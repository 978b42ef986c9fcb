/**
 * Scalar stress measures (Pa) from Voigt stresses [xx, yy, zz, yz, xz, xy]:
 * von Mises √(½[(σx−σy)² + (σy−σz)² + (σz−σx)²] + 3(τyz² + τxz² + τxy²)), and principal
 * stresses (eigenvalues, descending) by the trigonometric solution of the characteristic
 * cubic (Smith, CACM 4 (1961) 168).
 */
export function vonMises(s: ArrayLike<number>, o = 0): number {
  const sx = s[o] as number,
    sy = s[o + 1] as number,
    sz = s[o + 2] as number;
  const tyz = s[o + 3] as number,
    txz = s[o + 4] as number,
    txy = s[o + 5] as number;
  return Math.sqrt(0.5 * ((sx - sy) ** 2 + (sy - sz) ** 2 + (sz - sx) ** 2) + 3 * (tyz * tyz + txz * txz + txy * txy));
}

export function principalStresses(s: ArrayLike<number>, o: number, out: Float64Array, oo: number): void {
  const a = s[o] as number,
    b = s[o + 1] as number,
    c = s[o + 2] as number;
  const d = s[o + 3] as number,
    e = s[o + 4] as number,
    f = s[o + 5] as number;
  const p1 = d * d + e * e + f * f;
  const q = (a + b + c) / 3;
  if (p1 === 0) {
    const v = [a, b, c].sort((x, y) => y - x);
    out[oo] = v[0] as number;
    out[oo + 1] = v[1] as number;
    out[oo + 2] = v[2] as number;
    return;
  }
  const p2 = (a - q) ** 2 + (b - q) ** 2 + (c - q) ** 2 + 2 * p1;
  const p = Math.sqrt(p2 / 6);
  // det((A − qI)/p) / 2 with A = [[a f e],[f b d],[e d c]]
  const A = (a - q) / p,
    B = (b - q) / p,
    C = (c - q) / p,
    D = d / p,
    E = e / p,
    F = f / p;
  const r = (A * (B * C - D * D) - F * (F * C - D * E) + E * (F * D - B * E)) / 2;
  const phi = r <= -1 ? Math.PI / 3 : r >= 1 ? 0 : Math.acos(r) / 3;
  const e1 = q + 2 * p * Math.cos(phi);
  const e3 = q + 2 * p * Math.cos(phi + (2 * Math.PI) / 3);
  out[oo] = e1;
  out[oo + 1] = 3 * q - e1 - e3;
  out[oo + 2] = e3;
}
