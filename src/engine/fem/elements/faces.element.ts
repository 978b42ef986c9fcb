import { collapsedTriangle, gaussSquare } from "./quadrature";
import type { FaceShapeName, ShapeFunctions } from "./shape.types";

/**
 * Surface shapes for loads and fluxes on element faces: Quad4 and Quad8 on [-1,1]^2,
 * Tri3 and Tri6 on the unit triangle (mid-edges 0-1, 1-2, 2-0). All integrate N_a N_b
 * exactly with their mass rule.
 */
const Q4 = Float64Array.from([-1, -1, 1, -1, 1, 1, -1, 1]);

export const quad4Shape: ShapeFunctions = {
  name: "quad4",
  dim: 2,
  nodeCount: 4,
  nodeNaturalCoords: Q4,
  evaluate(xi, N, dN) {
    const x = xi[0] as number;
    const y = xi[1] as number;
    for (let a = 0; a < 4; a++) {
      const xa = Q4[2 * a] as number;
      const ya = Q4[2 * a + 1] as number;
      N[a] = ((1 + x * xa) * (1 + y * ya)) / 4;
      dN[2 * a] = (xa * (1 + y * ya)) / 4;
      dN[2 * a + 1] = ((1 + x * xa) * ya) / 4;
    }
  },
  stiffnessRule: gaussSquare(2),
  massRule: gaussSquare(2),
  vtkCellType: 9,
};

const Q8 = Float64Array.from([-1, -1, 1, -1, 1, 1, -1, 1, 0, -1, 1, 0, 0, 1, -1, 0]);

export const quad8Shape: ShapeFunctions = {
  name: "quad8",
  dim: 2,
  nodeCount: 8,
  nodeNaturalCoords: Q8,
  evaluate(xi, N, dN) {
    const x = xi[0] as number;
    const y = xi[1] as number;
    for (let a = 0; a < 8; a++) {
      const xa = Q8[2 * a] as number;
      const ya = Q8[2 * a + 1] as number;
      if (a < 4) {
        const A = 1 + x * xa;
        const B = 1 + y * ya;
        const S = x * xa + y * ya - 1;
        N[a] = (A * B * S) / 4;
        dN[2 * a] = (xa * B * (S + A)) / 4;
        dN[2 * a + 1] = (ya * A * (S + B)) / 4;
      } else if (xa === 0) {
        const B = 1 + y * ya;
        N[a] = ((1 - x * x) * B) / 2;
        dN[2 * a] = -x * B;
        dN[2 * a + 1] = ((1 - x * x) * ya) / 2;
      } else {
        const A = 1 + x * xa;
        N[a] = ((1 - y * y) * A) / 2;
        dN[2 * a] = ((1 - y * y) * xa) / 2;
        dN[2 * a + 1] = -y * A;
      }
    }
  },
  stiffnessRule: gaussSquare(3),
  massRule: gaussSquare(3),
  vtkCellType: 23,
};

export const tri3Shape: ShapeFunctions = {
  name: "tri3",
  dim: 2,
  nodeCount: 3,
  nodeNaturalCoords: Float64Array.from([0, 0, 1, 0, 0, 1]),
  evaluate(xi, N, dN) {
    const x = xi[0] as number;
    const y = xi[1] as number;
    N[0] = 1 - x - y;
    N[1] = x;
    N[2] = y;
    dN.set([-1, -1, 1, 0, 0, 1]);
  },
  stiffnessRule: collapsedTriangle(2),
  massRule: collapsedTriangle(2),
  vtkCellType: 5,
};

export const tri6Shape: ShapeFunctions = {
  name: "tri6",
  dim: 2,
  nodeCount: 6,
  nodeNaturalCoords: Float64Array.from([0, 0, 1, 0, 0, 1, 0.5, 0, 0.5, 0.5, 0, 0.5]),
  evaluate(xi, N, dN) {
    const x = xi[0] as number;
    const y = xi[1] as number;
    const l0 = 1 - x - y;
    N[0] = l0 * (2 * l0 - 1);
    N[1] = x * (2 * x - 1);
    N[2] = y * (2 * y - 1);
    N[3] = 4 * l0 * x;
    N[4] = 4 * x * y;
    N[5] = 4 * y * l0;
    dN.set([
      -(4 * l0 - 1),
      -(4 * l0 - 1),
      4 * x - 1,
      0,
      0,
      4 * y - 1,
      4 * (l0 - x),
      -4 * x,
      4 * y,
      4 * x,
      -4 * y,
      4 * (l0 - y),
    ]);
  },
  stiffnessRule: collapsedTriangle(3),
  massRule: collapsedTriangle(3),
  vtkCellType: 22,
};

export const FACE_SHAPES: Record<FaceShapeName, ShapeFunctions> = {
  quad4: quad4Shape,
  quad8: quad8Shape,
  tri3: tri3Shape,
  tri6: tri6Shape,
};
