import { addBtDC, applyD, fillB, type ElasticFormulation } from "./elastic.formulation";
import { hex8Shape } from "./hex8.element";
import { shapeGradients } from "./kinematics";
import { nodalRule, tabulate, type ShapeTable } from "./shape.types";

/**
 * Hex8 with the B-bar method (Hughes, IJNME 15 (1980) 1413): the dilatational part of
 * B is replaced by its element average, B̄ = B + ⅓ (b̄ − b)⊗(1,1,1,0,0,0) with b the
 * divergence row, which removes volumetric locking for nearly incompressible materials.
 */
export function hex8BbarFormulation(): ElasticFormulation {
  const shape = hex8Shape;
  const gauss = tabulate(shape, shape.stiffnessRule);
  const nodal = tabulate(shape, nodalRule(shape));
  const grads = new Float64Array(24);
  const mean = new Float64Array(24);
  const B = new Float64Array(6 * 24);
  const DC = new Float64Array(6 * 24);
  const eps = new Float64Array(6);

  const averageGradients = (xe: Float64Array): number => {
    mean.fill(0);
    let volume = 0;
    let minDet = Infinity;
    for (let g = 0; g < 8; g++) {
      const det = shapeGradients(gauss, g, xe, grads);
      if (det < minDet) minDet = det;
      const c = det * (gauss.rule.weights[g] as number);
      volume += c;
      for (let i = 0; i < 24; i++) mean[i] = (mean[i] as number) + (grads[i] as number) * c;
    }
    for (let i = 0; i < 24; i++) mean[i] = (mean[i] as number) / volume;
    return minDet;
  };

  const fillBbar = (table: ShapeTable, p: number, xe: Float64Array): number => {
    const det = shapeGradients(table, p, xe, grads);
    fillB(grads, 8, B);
    for (let a = 0; a < 8; a++)
      for (let j = 0; j < 3; j++) {
        const corr = ((mean[3 * a + j] as number) - (grads[3 * a + j] as number)) / 3;
        for (let k = 0; k < 3; k++) B[k * 24 + 3 * a + j] = (B[k * 24 + 3 * a + j] as number) + corr;
      }
    return det;
  };

  const stressAt = (
    table: ShapeTable,
    p: number,
    xe: Float64Array,
    D: Float64Array,
    ue: Float64Array,
    alphaDT: Float64Array | null,
    out: Float64Array,
  ): number => {
    const det = fillBbar(table, p, xe);
    let e0 = 0;
    if (alphaDT) for (let a = 0; a < 8; a++) e0 += (table.N[p * 8 + a] as number) * (alphaDT[a] as number);
    for (let k = 0; k < 6; k++) {
      let s = 0;
      for (let i = 0; i < 24; i++) s += (B[k * 24 + i] as number) * (ue[i] as number);
      eps[k] = s - (k < 3 ? e0 : 0);
    }
    applyD(D, eps, out, 6 * p);
    return det;
  };

  return {
    name: "hex8b",
    shape,
    gaussPointCount: 8,
    stiffness(xe, D, Ke, alphaDT, fe) {
      Ke.fill(0);
      if (fe) fe.fill(0);
      const minDet = averageGradients(xe);
      const d = [0, 1, 2, 3, 4, 5].map(
        (k) => (D[6 * k] as number) + (D[6 * k + 1] as number) + (D[6 * k + 2] as number),
      );
      for (let g = 0; g < 8; g++) {
        const det = fillBbar(gauss, g, xe);
        const c = det * (gauss.rule.weights[g] as number);
        addBtDC(B, 24, D, B, 24, c, Ke, DC);
        if (alphaDT && fe) {
          let e0 = 0;
          for (let a = 0; a < 8; a++) e0 += (gauss.N[g * 8 + a] as number) * (alphaDT[a] as number);
          for (let k = 0; k < 6; k++) {
            const s = (d[k] as number) * e0 * c;
            for (let i = 0; i < 24; i++) fe[i] = (fe[i] as number) + (B[k * 24 + i] as number) * s;
          }
        }
      }
      return minDet;
    },
    recover(xe, D, ue, alphaDT, gaussStress, nodalStress) {
      averageGradients(xe);
      let energy = 0;
      for (let g = 0; g < 8; g++) {
        const det = stressAt(gauss, g, xe, D, ue, alphaDT, gaussStress);
        let w = 0;
        for (let k = 0; k < 6; k++) w += (eps[k] as number) * (gaussStress[6 * g + k] as number);
        energy += 0.5 * w * det * (gauss.rule.weights[g] as number);
      }
      for (let p = 0; p < 8; p++) stressAt(nodal, p, xe, D, ue, alphaDT, nodalStress);
      return energy;
    },
  };
}
