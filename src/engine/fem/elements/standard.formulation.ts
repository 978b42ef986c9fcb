import { applyD, type ElasticElementName, type ElasticFormulation } from "./elastic.formulation";
import { shapeGradients } from "./kinematics";
import { nodalRule, tabulate, type SolidShapeFunctions } from "./shape.types";

/**
 * Standard displacement formulation K = ∫ Bᵀ D B dV with the shape's full Gauss rule
 * (Hex8: C3D8, Hex20: C3D20, Tet4: C3D4, Tet10: C3D10 in CalculiX terms). The stiffness
 * loop exploits the sparsity of B: per node pair, K_ab = Σ_g w detJ B_aᵀ (D B_b).
 */
export function standardFormulation(name: ElasticElementName, shape: SolidShapeFunctions): ElasticFormulation {
  const n = shape.nodeCount;
  const ndof = 3 * n;
  const gauss = tabulate(shape, shape.stiffnessRule);
  const nodal = tabulate(shape, nodalRule(shape));
  const grads = new Float64Array(3 * n);
  const DB = new Float64Array(18 * n);
  const eps = new Float64Array(6);

  const strainAt = (table: typeof gauss, g: number, ue: Float64Array, alphaDT: Float64Array | null): void => {
    let exx = 0,
      eyy = 0,
      ezz = 0,
      gyz = 0,
      gxz = 0,
      gxy = 0;
    for (let a = 0; a < n; a++) {
      const gx = grads[3 * a] as number;
      const gy = grads[3 * a + 1] as number;
      const gz = grads[3 * a + 2] as number;
      const ux = ue[3 * a] as number;
      const uy = ue[3 * a + 1] as number;
      const uz = ue[3 * a + 2] as number;
      exx += gx * ux;
      eyy += gy * uy;
      ezz += gz * uz;
      gyz += gz * uy + gy * uz;
      gxz += gz * ux + gx * uz;
      gxy += gy * ux + gx * uy;
    }
    let e0 = 0;
    if (alphaDT) for (let a = 0; a < n; a++) e0 += (table.N[g * n + a] as number) * (alphaDT[a] as number);
    eps[0] = exx - e0;
    eps[1] = eyy - e0;
    eps[2] = ezz - e0;
    eps[3] = gyz;
    eps[4] = gxz;
    eps[5] = gxy;
  };

  return {
    name,
    shape,
    gaussPointCount: gauss.rule.count,
    stiffness(xe, D, Ke, alphaDT, fe) {
      Ke.fill(0);
      if (fe) fe.fill(0);
      let minDet = Infinity;
      const d = [0, 1, 2, 3, 4, 5].map(
        (k) => (D[6 * k] as number) + (D[6 * k + 1] as number) + (D[6 * k + 2] as number),
      );
      for (let g = 0; g < gauss.rule.count; g++) {
        const det = shapeGradients(gauss, g, xe, grads);
        if (det < minDet) minDet = det;
        const c = det * (gauss.rule.weights[g] as number);
        for (let b = 0; b < n; b++) {
          const gx = grads[3 * b] as number;
          const gy = grads[3 * b + 1] as number;
          const gz = grads[3 * b + 2] as number;
          const o = 18 * b;
          for (let k = 0; k < 6; k++) {
            const r = 6 * k;
            DB[o + 3 * k] = (D[r] as number) * gx + (D[r + 4] as number) * gz + (D[r + 5] as number) * gy;
            DB[o + 3 * k + 1] = (D[r + 1] as number) * gy + (D[r + 3] as number) * gz + (D[r + 5] as number) * gx;
            DB[o + 3 * k + 2] = (D[r + 2] as number) * gz + (D[r + 3] as number) * gy + (D[r + 4] as number) * gx;
          }
        }
        for (let a = 0; a < n; a++) {
          const gx = (grads[3 * a] as number) * c;
          const gy = (grads[3 * a + 1] as number) * c;
          const gz = (grads[3 * a + 2] as number) * c;
          const row0 = 3 * a * ndof;
          const row1 = row0 + ndof;
          const row2 = row1 + ndof;
          for (let b = a; b < n; b++) {
            const o = 18 * b;
            const col = 3 * b;
            for (let j = 0; j < 3; j++) {
              const d0 = DB[o + j] as number,
                d1 = DB[o + 3 + j] as number,
                d2 = DB[o + 6 + j] as number;
              const d3 = DB[o + 9 + j] as number,
                d4 = DB[o + 12 + j] as number,
                d5 = DB[o + 15 + j] as number;
              Ke[row0 + col + j] = (Ke[row0 + col + j] as number) + gx * d0 + gz * d4 + gy * d5;
              Ke[row1 + col + j] = (Ke[row1 + col + j] as number) + gy * d1 + gz * d3 + gx * d5;
              Ke[row2 + col + j] = (Ke[row2 + col + j] as number) + gz * d2 + gy * d3 + gx * d4;
            }
          }
        }
        if (alphaDT && fe) {
          let e0 = 0;
          for (let a = 0; a < n; a++) e0 += (gauss.N[g * n + a] as number) * (alphaDT[a] as number);
          const s = (k: number): number => (d[k] as number) * e0 * c;
          for (let a = 0; a < n; a++) {
            const gx = grads[3 * a] as number;
            const gy = grads[3 * a + 1] as number;
            const gz = grads[3 * a + 2] as number;
            fe[3 * a] = (fe[3 * a] as number) + gx * s(0) + gz * s(4) + gy * s(5);
            fe[3 * a + 1] = (fe[3 * a + 1] as number) + gy * s(1) + gz * s(3) + gx * s(5);
            fe[3 * a + 2] = (fe[3 * a + 2] as number) + gz * s(2) + gy * s(3) + gx * s(4);
          }
        }
      }
      // Mirror the upper node-pair blocks into the lower triangle.
      for (let a = 0; a < n; a++)
        for (let b = a + 1; b < n; b++)
          for (let i = 0; i < 3; i++)
            for (let j = 0; j < 3; j++)
              Ke[(3 * b + j) * ndof + 3 * a + i] = Ke[(3 * a + i) * ndof + 3 * b + j] as number;
      return minDet;
    },
    recover(xe, D, ue, alphaDT, gaussStress, nodalStress) {
      let energy = 0;
      for (let g = 0; g < gauss.rule.count; g++) {
        const det = shapeGradients(gauss, g, xe, grads);
        strainAt(gauss, g, ue, alphaDT);
        applyD(D, eps, gaussStress, 6 * g);
        let w = 0;
        for (let k = 0; k < 6; k++) w += (eps[k] as number) * (gaussStress[6 * g + k] as number);
        energy += 0.5 * w * det * (gauss.rule.weights[g] as number);
      }
      for (let p = 0; p < n; p++) {
        shapeGradients(nodal, p, xe, grads);
        strainAt(nodal, p, ue, alphaDT);
        applyD(D, eps, nodalStress, 6 * p);
      }
      return energy;
    },
  };
}
