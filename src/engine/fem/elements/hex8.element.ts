import { gaussCube } from "./quadrature";
import type { SolidShapeFunctions } from "./shape.types";

/**
 * Hex8: trilinear 8-node brick, N_a = (1+ξξa)(1+ηηa)(1+ζζa)/8 on [-1,1]^3
 * (node order of VTK/Abaqus/CalculiX). Full 2x2x2 Gauss integration.
 */
export const HEX8_CORNERS = Float64Array.from([
  -1, -1, -1, 1, -1, -1, 1, 1, -1, -1, 1, -1, -1, -1, 1, 1, -1, 1, 1, 1, 1, -1, 1, 1,
]);

export const hex8Shape: SolidShapeFunctions = {
  name: "hex8",
  dim: 3,
  nodeCount: 8,
  cornerCount: 8,
  nodeNaturalCoords: HEX8_CORNERS,
  evaluate(xi, N, dN) {
    const x = xi[0] as number;
    const y = xi[1] as number;
    const z = xi[2] as number;
    for (let a = 0; a < 8; a++) {
      const xa = HEX8_CORNERS[3 * a] as number;
      const ya = HEX8_CORNERS[3 * a + 1] as number;
      const za = HEX8_CORNERS[3 * a + 2] as number;
      const A = 1 + x * xa;
      const B = 1 + y * ya;
      const C = 1 + z * za;
      N[a] = (A * B * C) / 8;
      dN[3 * a] = (xa * B * C) / 8;
      dN[3 * a + 1] = (A * ya * C) / 8;
      dN[3 * a + 2] = (A * B * za) / 8;
    }
  },
  stiffnessRule: gaussCube(2),
  massRule: gaussCube(2),
  vtkCellType: 12,
  faces: [
    { shape: "quad4", localNodes: [0, 3, 2, 1] },
    { shape: "quad4", localNodes: [4, 5, 6, 7] },
    { shape: "quad4", localNodes: [0, 1, 5, 4] },
    { shape: "quad4", localNodes: [1, 2, 6, 5] },
    { shape: "quad4", localNodes: [2, 3, 7, 6] },
    { shape: "quad4", localNodes: [3, 0, 4, 7] },
  ],
};
