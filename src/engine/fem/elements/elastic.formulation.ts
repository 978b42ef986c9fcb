import type { SolidShapeFunctions } from "./shape.types";

/**
 * An element formulation for small-strain elasticity. Units: coordinates m, displacements
 * m, D in Pa, stresses Pa, energies J, forces N. Voigt order [xx, yy, zz, yz, xz, xy].
 */
export type ElasticElementName = "hex8" | "hex8i" | "hex8b" | "hex20" | "tet4" | "tet10";

export interface ElasticFormulation {
  readonly name: ElasticElementName;
  readonly shape: SolidShapeFunctions;
  /** Points where Gauss-point stresses are reported. */
  readonly gaussPointCount: number;
  /**
   * Element stiffness Ke (ndof×ndof, node-major dofs a*3+i) and, when `alphaDT` (nodal
   * α·ΔT, dimensionless) is given, the thermal load fe = ∫ Bᵀ D ε₀ dV. Returns the
   * smallest Jacobian determinant (≤ 0 means a distorted element).
   */
  stiffness(
    xe: Float64Array,
    D: Float64Array,
    Ke: Float64Array,
    alphaDT: Float64Array | null,
    fe: Float64Array | null,
  ): number;
  /**
   * Stresses σ = D(ε − ε₀) at the Gauss points (6 per point) and at the element nodes
   * (6 per node); returns the element strain energy ½∫(ε−ε₀)·σ dV (J).
   */
  recover(
    xe: Float64Array,
    D: Float64Array,
    ue: Float64Array,
    alphaDT: Float64Array | null,
    gaussStress: Float64Array,
    nodalStress: Float64Array,
  ): number;
}

/** σ += D·(strain) for one point; strain given in Voigt form. */
export function applyD(D: Float64Array, strain: ArrayLike<number>, out: Float64Array, offset: number): void {
  for (let k = 0; k < 6; k++) {
    let s = 0;
    for (let m = 0; m < 6; m++) s += (D[6 * k + m] as number) * (strain[m] as number);
    out[offset + k] = s;
  }
}

/**
 * Fills the 6×ndof strain-displacement matrix B (row-major) for gradients g.
 */
export function fillB(grads: Float64Array, nodes: number, B: Float64Array): void {
  const ndof = 3 * nodes;
  B.fill(0);
  for (let a = 0; a < nodes; a++) {
    const gx = grads[3 * a] as number;
    const gy = grads[3 * a + 1] as number;
    const gz = grads[3 * a + 2] as number;
    const c = 3 * a;
    B[c] = gx;
    B[ndof + c + 1] = gy;
    B[2 * ndof + c + 2] = gz;
    B[3 * ndof + c + 1] = gz;
    B[3 * ndof + c + 2] = gy;
    B[4 * ndof + c] = gz;
    B[4 * ndof + c + 2] = gx;
    B[5 * ndof + c] = gy;
    B[5 * ndof + c + 1] = gx;
  }
}

/** K (m×n, row-major) += c · Bᵀ D C for B (6×m) and C (6×n). */
export function addBtDC(
  B: Float64Array,
  m: number,
  D: Float64Array,
  C: Float64Array,
  n: number,
  c: number,
  K: Float64Array,
  DC: Float64Array,
): void {
  for (let k = 0; k < 6; k++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let l = 0; l < 6; l++) s += (D[6 * k + l] as number) * (C[l * n + j] as number);
      DC[k * n + j] = s;
    }
  for (let i = 0; i < m; i++)
    for (let k = 0; k < 6; k++) {
      const b = (B[k * m + i] as number) * c;
      if (b === 0) continue;
      const row = i * n;
      const dk = k * n;
      for (let j = 0; j < n; j++) K[row + j] = (K[row + j] as number) + b * (DC[dk + j] as number);
    }
}
