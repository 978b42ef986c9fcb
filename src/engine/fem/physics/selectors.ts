import { FACE_SHAPES } from "../elements/faces.element";
import { faceNormal } from "../elements/kinematics";
import { tabulate, type ShapeTable } from "../elements/shape.types";
import { faceSet, nodeSet } from "../mesh/mesh.ops";
import type { FaceSet, Mesh } from "../mesh/mesh.types";

/** Boundary-condition targets: a named set of the mesh or explicit node/face lists. */
export type NodeSelector = string | Int32Array;
export type FaceSelector = string | FaceSet;
export type Vec3 = readonly [number, number, number];

export function resolveNodes(mesh: Mesh, sel: NodeSelector): Int32Array {
  return typeof sel === "string" ? nodeSet(mesh, sel) : sel;
}

export function resolveFaces(mesh: Mesh, sel: FaceSelector): FaceSet {
  return typeof sel === "string" ? faceSet(mesh, sel) : sel;
}

/**
 * Visits every quadrature point of every face: `visit(nodes, table, g, dA, normal)` where
 * dA = w·|n| is the area weight (m²) and `normal` the unit outward normal.
 */
export function forEachFacePoint(
  mesh: Mesh,
  faces: FaceSet,
  visit: (nodes: Int32Array, table: ShapeTable, g: number, dA: number, normal: Float64Array) => void,
): void {
  const shape = FACE_SHAPES[faces.shape];
  const table = tabulate(shape, shape.massRule);
  const npf = shape.nodeCount;
  const xf = new Float64Array(3 * npf);
  const normal = new Float64Array(3);
  const count = faces.connectivity.length / npf;
  for (let f = 0; f < count; f++) {
    const nodes = faces.connectivity.subarray(f * npf, f * npf + npf);
    for (let a = 0; a < npf; a++)
      for (let i = 0; i < 3; i++) xf[3 * a + i] = mesh.coordinates[3 * (nodes[a] as number) + i] as number;
    for (let g = 0; g < table.rule.count; g++) {
      const area = faceNormal(table, g, xf, normal);
      for (let i = 0; i < 3; i++) normal[i] = (normal[i] as number) / area;
      visit(nodes, table, g, area * (table.rule.weights[g] as number), normal);
    }
  }
}

/** Total area (m²) of a face set. */
export function faceArea(mesh: Mesh, faces: FaceSet): number {
  let area = 0;
  forEachFacePoint(mesh, faces, (_n, _t, _g, dA) => (area += dA));
  return area;
}
