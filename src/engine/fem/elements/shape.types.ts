/**
 * Shape-function families (isoparametric interpolation on a reference element) and the
 * quadrature rules they integrate with. Natural coordinates are dimensionless; geometry
 * is in metres wherever it is used.
 */
export type SolidShapeName = "hex8" | "hex20" | "tet4" | "tet10";
export type FaceShapeName = "quad4" | "quad8" | "tri3" | "tri6";
export type ShapeName = SolidShapeName | FaceShapeName;

/** Points (dim per point, natural coordinates) and weights. */
export interface Quadrature {
  readonly dim: number;
  readonly count: number;
  readonly points: Float64Array;
  readonly weights: Float64Array;
}

export interface ShapeFunctions {
  readonly name: ShapeName;
  readonly dim: 2 | 3;
  readonly nodeCount: number;
  /** Natural coordinates of the element's nodes, `dim` per node. */
  readonly nodeNaturalCoords: Float64Array;
  /** Fills N[a] and dN[a*dim + j] = dN_a/dξ_j at the natural point `xi`. */
  evaluate(xi: ArrayLike<number>, N: Float64Array, dN: Float64Array): void;
  /** Rule that integrates the stiffness of an undistorted element exactly. */
  readonly stiffnessRule: Quadrature;
  /** Rule that integrates products N_a N_b exactly (mass, convection). */
  readonly massRule: Quadrature;
  readonly vtkCellType: number;
}

export interface FaceDefinition {
  readonly shape: FaceShapeName;
  /** Local node numbers of the face, ordered so the right-hand normal points outward. */
  readonly localNodes: readonly number[];
}

export interface SolidShapeFunctions extends ShapeFunctions {
  readonly name: SolidShapeName;
  readonly dim: 3;
  readonly faces: readonly FaceDefinition[];
  /** The linear shape with the same corners (used for tet/hex splitting and checks). */
  readonly cornerCount: number;
}

/** N and dN/dξ tabulated at every point of a rule, so element loops do not re-evaluate. */
export interface ShapeTable {
  readonly rule: Quadrature;
  readonly nodeCount: number;
  readonly dim: number;
  /** N[g*nodeCount + a] */
  readonly N: Float64Array;
  /** dN[(g*nodeCount + a)*dim + j] */
  readonly dN: Float64Array;
}

export function tabulate(shape: ShapeFunctions, rule: Quadrature): ShapeTable {
  const n = shape.nodeCount;
  const dim = shape.dim;
  const N = new Float64Array(rule.count * n);
  const dN = new Float64Array(rule.count * n * dim);
  const nBuf = new Float64Array(n);
  const dBuf = new Float64Array(n * dim);
  for (let g = 0; g < rule.count; g++) {
    shape.evaluate(rule.points.subarray(g * dim, g * dim + dim), nBuf, dBuf);
    N.set(nBuf, g * n);
    dN.set(dBuf, g * n * dim);
  }
  return { rule, nodeCount: n, dim, N, dN };
}

/** Shape values and derivatives at the element's own nodes (for nodal stress recovery). */
export function nodalRule(shape: ShapeFunctions): Quadrature {
  return {
    dim: shape.dim,
    count: shape.nodeCount,
    points: shape.nodeNaturalCoords,
    weights: new Float64Array(shape.nodeCount),
  };
}
