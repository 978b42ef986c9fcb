import { HEX8_CORNERS } from "./hex8.element";
import { gaussCube } from "./quadrature";
import type { SolidShapeFunctions } from "./shape.types";

/**
 * Hex20: quadratic serendipity brick (VTK/Abaqus/CalculiX C3D20 node order: 8 corners,
 * then mid-edges 0-1, 1-2, 2-3, 3-0, 4-5, 5-6, 6-7, 7-4, 0-4, 1-5, 2-6, 3-7).
 * Corners: N = (1+ξξa)(1+ηηa)(1+ζζa)(ξξa+ηηa+ζζa-2)/8; mid-edge on ξa=0:
 * N = (1-ξ²)(1+ηηa)(1+ζζa)/4. Full 3x3x3 Gauss integration (as C3D20).
 */
// prettier-ignore
const EDGES: ReadonlyArray<readonly [number, number]> = [
  [0, 1], [1, 2], [2, 3], [3, 0], [4, 5], [5, 6], [6, 7], [7, 4], [0, 4], [1, 5], [2, 6], [3, 7],
];

export const HEX20_EDGES = EDGES;

const NODES = (() => {
  const c = new Float64Array(60);
  c.set(HEX8_CORNERS);
  EDGES.forEach(([p, q], e) => {
    for (let j = 0; j < 3; j++)
      c[3 * (8 + e) + j] = ((HEX8_CORNERS[3 * p + j] as number) + (HEX8_CORNERS[3 * q + j] as number)) / 2;
  });
  return c;
})();

export const hex20Shape: SolidShapeFunctions = {
  name: "hex20",
  dim: 3,
  nodeCount: 20,
  cornerCount: 8,
  nodeNaturalCoords: NODES,
  evaluate(xi, N, dN) {
    const x = xi[0] as number;
    const y = xi[1] as number;
    const z = xi[2] as number;
    for (let a = 0; a < 20; a++) {
      const xa = NODES[3 * a] as number;
      const ya = NODES[3 * a + 1] as number;
      const za = NODES[3 * a + 2] as number;
      if (a < 8) {
        const A = 1 + x * xa;
        const B = 1 + y * ya;
        const C = 1 + z * za;
        const S = x * xa + y * ya + z * za - 2;
        N[a] = (A * B * C * S) / 8;
        dN[3 * a] = (xa * B * C * (S + A)) / 8;
        dN[3 * a + 1] = (ya * A * C * (S + B)) / 8;
        dN[3 * a + 2] = (za * A * B * (S + C)) / 8;
      } else if (xa === 0) {
        const B = 1 + y * ya;
        const C = 1 + z * za;
        N[a] = ((1 - x * x) * B * C) / 4;
        dN[3 * a] = (-2 * x * B * C) / 4;
        dN[3 * a + 1] = ((1 - x * x) * ya * C) / 4;
        dN[3 * a + 2] = ((1 - x * x) * B * za) / 4;
      } else if (ya === 0) {
        const A = 1 + x * xa;
        const C = 1 + z * za;
        N[a] = ((1 - y * y) * A * C) / 4;
        dN[3 * a] = ((1 - y * y) * xa * C) / 4;
        dN[3 * a + 1] = (-2 * y * A * C) / 4;
        dN[3 * a + 2] = ((1 - y * y) * A * za) / 4;
      } else {
        const A = 1 + x * xa;
        const B = 1 + y * ya;
        N[a] = ((1 - z * z) * A * B) / 4;
        dN[3 * a] = ((1 - z * z) * xa * B) / 4;
        dN[3 * a + 1] = ((1 - z * z) * A * ya) / 4;
        dN[3 * a + 2] = (-2 * z * A * B) / 4;
      }
    }
  },
  stiffnessRule: gaussCube(3),
  massRule: gaussCube(3),
  vtkCellType: 25,
  faces: [
    { shape: "quad8", localNodes: [0, 3, 2, 1, 11, 10, 9, 8] },
    { shape: "quad8", localNodes: [4, 5, 6, 7, 12, 13, 14, 15] },
    { shape: "quad8", localNodes: [0, 1, 5, 4, 8, 17, 12, 16] },
    { shape: "quad8", localNodes: [1, 2, 6, 5, 9, 18, 13, 17] },
    { shape: "quad8", localNodes: [2, 3, 7, 6, 10, 19, 14, 18] },
    { shape: "quad8", localNodes: [3, 0, 4, 7, 11, 16, 15, 19] },
  ],
};
