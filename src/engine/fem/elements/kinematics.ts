import type { ShapeTable } from "./shape.types";

/**
 * Isoparametric geometry at one tabulated point: Jacobian J_ij = ∂x_i/∂ξ_j = Σ_a x_ai ∂N_a/∂ξ_j,
 * its determinant (m³ per unit reference volume) and the physical shape gradients
 * ∂N_a/∂x_i = Σ_j ∂N_a/∂ξ_j (J⁻¹)_ji (1/m).
 */
export function shapeGradients(table: ShapeTable, g: number, xe: Float64Array, grads: Float64Array): number {
  const n = table.nodeCount;
  const dN = table.dN;
  const off = g * n * 3;
  let j00 = 0,
    j01 = 0,
    j02 = 0,
    j10 = 0,
    j11 = 0,
    j12 = 0,
    j20 = 0,
    j21 = 0,
    j22 = 0;
  for (let a = 0; a < n; a++) {
    const d0 = dN[off + 3 * a] as number;
    const d1 = dN[off + 3 * a + 1] as number;
    const d2 = dN[off + 3 * a + 2] as number;
    const x = xe[3 * a] as number;
    const y = xe[3 * a + 1] as number;
    const z = xe[3 * a + 2] as number;
    j00 += x * d0;
    j01 += x * d1;
    j02 += x * d2;
    j10 += y * d0;
    j11 += y * d1;
    j12 += y * d2;
    j20 += z * d0;
    j21 += z * d1;
    j22 += z * d2;
  }
  const c00 = j11 * j22 - j12 * j21;
  const c01 = j12 * j20 - j10 * j22;
  const c02 = j10 * j21 - j11 * j20;
  const det = j00 * c00 + j01 * c01 + j02 * c02;
  const inv = 1 / det;
  // (J⁻¹)_ji = cofactor_ij / det
  const i00 = c00 * inv,
    i10 = c01 * inv,
    i20 = c02 * inv;
  const i01 = (j02 * j21 - j01 * j22) * inv,
    i11 = (j00 * j22 - j02 * j20) * inv,
    i21 = (j01 * j20 - j00 * j21) * inv;
  const i02 = (j01 * j12 - j02 * j11) * inv,
    i12 = (j02 * j10 - j00 * j12) * inv,
    i22 = (j00 * j11 - j01 * j10) * inv;
  for (let a = 0; a < n; a++) {
    const d0 = dN[off + 3 * a] as number;
    const d1 = dN[off + 3 * a + 1] as number;
    const d2 = dN[off + 3 * a + 2] as number;
    grads[3 * a] = d0 * i00 + d1 * i10 + d2 * i20;
    grads[3 * a + 1] = d0 * i01 + d1 * i11 + d2 * i21;
    grads[3 * a + 2] = d0 * i02 + d1 * i12 + d2 * i22;
  }
  return det;
}

/**
 * Surface geometry at a face point: the area-weighted outward normal n = ∂x/∂ξ × ∂x/∂η
 * (its length is the area per unit reference area, m²).
 */
export function faceNormal(table: ShapeTable, g: number, xf: Float64Array, normal: Float64Array): number {
  const n = table.nodeCount;
  const off = g * n * 2;
  let t0 = 0,
    t1 = 0,
    t2 = 0,
    s0 = 0,
    s1 = 0,
    s2 = 0;
  for (let a = 0; a < n; a++) {
    const d0 = table.dN[off + 2 * a] as number;
    const d1 = table.dN[off + 2 * a + 1] as number;
    t0 += (xf[3 * a] as number) * d0;
    t1 += (xf[3 * a + 1] as number) * d0;
    t2 += (xf[3 * a + 2] as number) * d0;
    s0 += (xf[3 * a] as number) * d1;
    s1 += (xf[3 * a + 1] as number) * d1;
    s2 += (xf[3 * a + 2] as number) * d1;
  }
  normal[0] = t1 * s2 - t2 * s1;
  normal[1] = t2 * s0 - t0 * s2;
  normal[2] = t0 * s1 - t1 * s0;
  return Math.hypot(normal[0], normal[1], normal[2]);
}
