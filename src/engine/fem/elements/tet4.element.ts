import { collapsedTetrahedron, tetCentroid } from "./quadrature";
import type { SolidShapeFunctions } from "./shape.types";

/**
 * Tet4: linear tetrahedron on the unit simplex, N = (1-ξ-η-ζ, ξ, η, ζ); constant strain,
 * so one centroid point integrates the stiffness exactly.
 */
export const tet4Shape: SolidShapeFunctions = {
  name: "tet4",
  dim: 3,
  nodeCount: 4,
  cornerCount: 4,
  nodeNaturalCoords: Float64Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]),
  evaluate(xi, N, dN) {
    const x = xi[0] as number;
    const y = xi[1] as number;
    const z = xi[2] as number;
    N[0] = 1 - x - y - z;
    N[1] = x;
    N[2] = y;
    N[3] = z;
    dN.fill(0);
    dN[0] = -1;
    dN[1] = -1;
    dN[2] = -1;
    dN[3] = 1;
    dN[7] = 1;
    dN[11] = 1;
  },
  stiffnessRule: tetCentroid(),
  massRule: collapsedTetrahedron(2),
  vtkCellType: 10,
  faces: [
    { shape: "tri3", localNodes: [0, 2, 1] },
    { shape: "tri3", localNodes: [0, 1, 3] },
    { shape: "tri3", localNodes: [1, 2, 3] },
    { shape: "tri3", localNodes: [0, 3, 2] },
  ],
};
