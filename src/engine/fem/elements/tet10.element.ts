import { collapsedTetrahedron, tetFourPoint } from "./quadrature";
import type { SolidShapeFunctions } from "./shape.types";

/**
 * Tet10: quadratic tetrahedron (VTK/CalculiX C3D10 order: corners, then mid-edges
 * 0-1, 1-2, 0-2, 0-3, 1-3, 2-3). With barycentric L: corners N = L(2L-1), mid-edges
 * N = 4 Li Lj. The 4-point rule integrates the (linear-strain) stiffness exactly.
 */
// prettier-ignore
export const TET10_EDGES: ReadonlyArray<readonly [number, number]> = [
  [0, 1], [1, 2], [0, 2], [0, 3], [1, 3], [2, 3],
];

const DL = [
  [-1, -1, -1],
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
] as const;

const NODES = (() => {
  const c = new Float64Array(30);
  c.set([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
  TET10_EDGES.forEach(([p, q], e) => {
    for (let j = 0; j < 3; j++) c[3 * (4 + e) + j] = ((c[3 * p + j] as number) + (c[3 * q + j] as number)) / 2;
  });
  return c;
})();

export const tet10Shape: SolidShapeFunctions = {
  name: "tet10",
  dim: 3,
  nodeCount: 10,
  cornerCount: 4,
  nodeNaturalCoords: NODES,
  evaluate(xi, N, dN) {
    const x = xi[0] as number;
    const y = xi[1] as number;
    const z = xi[2] as number;
    const L = [1 - x - y - z, x, y, z];
    for (let a = 0; a < 4; a++) {
      const l = L[a] as number;
      N[a] = l * (2 * l - 1);
      for (let j = 0; j < 3; j++) dN[3 * a + j] = (4 * l - 1) * (DL[a] as readonly number[])[j]!;
    }
    TET10_EDGES.forEach(([p, q], e) => {
      const a = 4 + e;
      const lp = L[p] as number;
      const lq = L[q] as number;
      N[a] = 4 * lp * lq;
      for (let j = 0; j < 3; j++) dN[3 * a + j] = 4 * (DL[p]![j]! * lq + lp * DL[q]![j]!);
    });
  },
  stiffnessRule: tetFourPoint(),
  massRule: collapsedTetrahedron(3),
  vtkCellType: 24,
  faces: [
    { shape: "tri6", localNodes: [0, 2, 1, 6, 5, 4] },
    { shape: "tri6", localNodes: [0, 1, 3, 4, 8, 7] },
    { shape: "tri6", localNodes: [1, 2, 3, 5, 9, 8] },
    { shape: "tri6", localNodes: [0, 3, 2, 7, 9, 6] },
  ],
};
