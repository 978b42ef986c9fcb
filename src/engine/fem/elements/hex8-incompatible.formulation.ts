import { addBtDC, applyD, fillB, type ElasticFormulation } from "./elastic.formulation";
import { hex8Shape } from "./hex8.element";
import { shapeGradients } from "./kinematics";
import { nodalRule, tabulate, type ShapeTable } from "./shape.types";

/**
 * Hex8 with incompatible (bubble) modes, free of shear locking in bending:
 * u = Σ N_a u_a + Σ_m φ_m α_m with φ = (1−ξ², 1−η², 1−ζ²) per component (9 internal
 * dofs, condensed statically: K = K_uu − K_uα K_αα⁻¹ K_αu).
 * Wilson, Taylor, Doherty & Ghaboussi (1973); Taylor, Beresford & Wilson, IJNME 10 (1976)
 * 1211: the mode gradients use the centre Jacobian J₀ and the factor detJ₀/detJ so that
 * ∫ G dV = 0 and the element passes the patch test when distorted.
 */
export function hex8IncompatibleFormulation(): ElasticFormulation {
  const shape = hex8Shape;
  const gauss = tabulate(shape, shape.stiffnessRule);
  const nodal = tabulate(shape, nodalRule(shape));
  const centre = tabulate(shape, {
    dim: 3,
    count: 1,
    points: Float64Array.from([0, 0, 0]),
    weights: Float64Array.from([8]),
  });
  const grads = new Float64Array(24);
  const B = new Float64Array(6 * 24);
  const G = new Float64Array(6 * 9);
  const DC = new Float64Array(6 * 24);
  const Kua = new Float64Array(24 * 9);
  const Kaa = new Float64Array(81);
  const fa = new Float64Array(9);
  const eps = new Float64Array(6);
  const ginv = new Float64Array(9);

  /** Mode gradients G (6×9) at natural point xi: ∂φ_m/∂x = J₀⁻ᵀ ∂φ_m/∂ξ · detJ₀/detJ. */
  const fillG = (xi: ArrayLike<number>, detRatio: number): void => {
    const dphi = [-2 * (xi[0] as number), -2 * (xi[1] as number), -2 * (xi[2] as number)];
    const mg = new Float64Array(9);
    for (let m = 0; m < 3; m++)
      for (let i = 0; i < 3; i++) mg[3 * m + i] = (dphi[m] as number) * (ginv[3 * m + i] as number) * detRatio;
    fillB(mg, 3, G);
  };

  /** Row m of J₀⁻¹ is ∂ξ_m/∂x: obtained from the centre table with unit "shape gradients". */
  const centreInverse = (xe: Float64Array): number => {
    // grads of the coordinate functions ξ_m: use J₀ from the centre table.
    const g = new Float64Array(24);
    const det0 = shapeGradients(centre, 0, xe, g);
    // Σ_a ξ_a ∂N_a/∂x_i = ∂ξ/∂x_i exactly for trilinear N at the centre.
    ginv.fill(0);
    for (let a = 0; a < 8; a++)
      for (let m = 0; m < 3; m++)
        for (let i = 0; i < 3; i++)
          ginv[3 * m + i] =
            (ginv[3 * m + i] as number) + (shape.nodeNaturalCoords[3 * a + m] as number) * (g[3 * a + i] as number);
    return det0;
  };

  const condense = (
    xe: Float64Array,
    D: Float64Array,
    alphaDT: Float64Array | null,
    Kuu: Float64Array | null,
    fu: Float64Array | null,
  ): number => {
    const det0 = centreInverse(xe);
    Kua.fill(0);
    Kaa.fill(0);
    fa.fill(0);
    let minDet = Infinity;
    const d = [0, 1, 2, 3, 4, 5].map((k) => (D[6 * k] as number) + (D[6 * k + 1] as number) + (D[6 * k + 2] as number));
    for (let g = 0; g < gauss.rule.count; g++) {
      const det = shapeGradients(gauss, g, xe, grads);
      if (det < minDet) minDet = det;
      const c = det * (gauss.rule.weights[g] as number);
      fillB(grads, 8, B);
      fillG(gauss.rule.points.subarray(3 * g, 3 * g + 3), det0 / det);
      if (Kuu) addBtDC(B, 24, D, B, 24, c, Kuu, DC);
      addBtDC(B, 24, D, G, 9, c, Kua, DC);
      addBtDC(G, 9, D, G, 9, c, Kaa, DC);
      if (alphaDT) {
        let e0 = 0;
        for (let a = 0; a < 8; a++) e0 += (gauss.N[g * 8 + a] as number) * (alphaDT[a] as number);
        for (let k = 0; k < 6; k++) {
          const s = (d[k] as number) * e0 * c;
          if (fu) for (let i = 0; i < 24; i++) fu[i] = (fu[i] as number) + (B[k * 24 + i] as number) * s;
          for (let i = 0; i < 9; i++) fa[i] = (fa[i] as number) + (G[k * 9 + i] as number) * s;
        }
      }
    }
    choleskyInPlace(Kaa, 9);
    return minDet;
  };

  const recoverAt = (
    table: ShapeTable,
    p: number,
    xe: Float64Array,
    D: Float64Array,
    ue: Float64Array,
    alpha: Float64Array,
    alphaDT: Float64Array | null,
    det0: number,
    out: Float64Array,
  ): number => {
    const det = shapeGradients(table, p, xe, grads);
    fillB(grads, 8, B);
    fillG(table.rule.points.subarray(3 * p, 3 * p + 3), det0 / det);
    let e0 = 0;
    if (alphaDT) for (let a = 0; a < 8; a++) e0 += (table.N[p * 8 + a] as number) * (alphaDT[a] as number);
    for (let k = 0; k < 6; k++) {
      let s = 0;
      for (let i = 0; i < 24; i++) s += (B[k * 24 + i] as number) * (ue[i] as number);
      for (let i = 0; i < 9; i++) s += (G[k * 9 + i] as number) * (alpha[i] as number);
      eps[k] = s - (k < 3 ? e0 : 0);
    }
    applyD(D, eps, out, 6 * p);
    return det;
  };

  return {
    name: "hex8i",
    shape,
    gaussPointCount: 8,
    stiffness(xe, D, Ke, alphaDT, fe) {
      Ke.fill(0);
      if (fe) fe.fill(0);
      const minDet = condense(xe, D, alphaDT, Ke, fe);
      // K −= K_uα K_αα⁻¹ K_αu, f −= K_uα K_αα⁻¹ f_α
      const X = new Float64Array(9);
      for (let i = 0; i < 24; i++) {
        for (let m = 0; m < 9; m++) X[m] = Kua[i * 9 + m] as number;
        choleskySolve(Kaa, 9, X);
        for (let j = 0; j < 24; j++) {
          let s = 0;
          for (let m = 0; m < 9; m++) s += (Kua[j * 9 + m] as number) * (X[m] as number);
          Ke[i * 24 + j] = (Ke[i * 24 + j] as number) - s;
        }
        if (alphaDT && fe) {
          let s = 0;
          for (let m = 0; m < 9; m++) s += (X[m] as number) * (fa[m] as number);
          fe[i] = (fe[i] as number) - s;
        }
      }
      return minDet;
    },
    recover(xe, D, ue, alphaDT, gaussStress, nodalStress) {
      condense(xe, D, alphaDT, null, null);
      const det0 = centreInverse(xe);
      // α = K_αα⁻¹ (f_α − K_αu u)
      const alpha = new Float64Array(9);
      for (let m = 0; m < 9; m++) {
        let s = fa[m] as number;
        for (let i = 0; i < 24; i++) s -= (Kua[i * 9 + m] as number) * (ue[i] as number);
        alpha[m] = s;
      }
      choleskySolve(Kaa, 9, alpha);
      let energy = 0;
      for (let g = 0; g < 8; g++) {
        const det = recoverAt(gauss, g, xe, D, ue, alpha, alphaDT, det0, gaussStress);
        let w = 0;
        for (let k = 0; k < 6; k++) w += (eps[k] as number) * (gaussStress[6 * g + k] as number);
        energy += 0.5 * w * det * (gauss.rule.weights[g] as number);
      }
      for (let p = 0; p < 8; p++) recoverAt(nodal, p, xe, D, ue, alpha, alphaDT, det0, nodalStress);
      return energy;
    },
  };
}

/** Dense Cholesky A = L Lᵀ in place (lower triangle holds L). */
export function choleskyInPlace(A: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    let s = A[j * n + j] as number;
    for (let k = 0; k < j; k++) s -= (A[j * n + k] as number) ** 2;
    const ljj = Math.sqrt(s);
    A[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = A[i * n + j] as number;
      for (let k = 0; k < j; k++) t -= (A[i * n + k] as number) * (A[j * n + k] as number);
      A[i * n + j] = t / ljj;
    }
  }
}

export function choleskySolve(L: Float64Array, n: number, x: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = x[i] as number;
    for (let k = 0; k < i; k++) s -= (L[i * n + k] as number) * (x[k] as number);
    x[i] = s / (L[i * n + i] as number);
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i] as number;
    for (let k = i + 1; k < n; k++) s -= (L[k * n + i] as number) * (x[k] as number);
    x[i] = s / (L[i * n + i] as number);
  }
}
