import type { FaceShapeName, SolidShapeName } from "../elements/shape.types";

/**
 * Unstructured solid mesh of one element shape. Coordinates in metres.
 * Node and face sets carry boundary conditions; face sets list surface elements whose
 * node order gives an outward right-hand normal.
 */
export interface FaceSet {
  readonly shape: FaceShapeName;
  /** Nodes per face × face count, global node numbers. */
  readonly connectivity: Int32Array;
}

export interface Mesh {
  readonly shape: SolidShapeName;
  readonly nodeCount: number;
  readonly elementCount: number;
  /** x, y, z per node (m). */
  readonly coordinates: Float64Array;
  /** Nodes per element × element count, 0-based, in the shape's node order. */
  readonly connectivity: Int32Array;
  readonly nodeSets: ReadonlyMap<string, Int32Array>;
  readonly faceSets: ReadonlyMap<string, FaceSet>;
}
