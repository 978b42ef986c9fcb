import type { SolidShapeName } from "../elements/shape.types";
import { FemMeshError } from "../fem.errors";
import { filterFaces, nodesOfFaces } from "./mesh.ops";
import type { FaceSet, Mesh } from "./mesh.types";
import { structuredMesh } from "./structured.mesh";

/**
 * Quarter of a square plate [0,W]² (m) with a central circular hole of radius a, by a
 * mapped mesh: radial parameter from the hole
 * (r = a) to the square's edge (first cell axis), angle θ ∈ [0, π/2] (second), graded geometrically towards the hole, and thickness
 * along z. Symmetry planes y = 0 ("ySymmetry") and x = 0 ("xSymmetry"); "hole", "right"
 * (x = W), "top" (y = W), "bottom" (z = 0), "front" (z = t).
 */
export interface PlateWithHoleOptions {
  readonly holeRadiusM: number;
  readonly halfWidthM: number;
  readonly thicknessM: number;
  /** Cells around the quarter circle (even, so the square's corner is a node line). */
  readonly nAngular: number;
  readonly nRadial: number;
  readonly nThickness?: number;
  readonly shape: SolidShapeName;
  /** Ratio of the outermost to the innermost radial cell size; 1 = uniform. */
  readonly grading?: number;
}

export function plateWithHoleMesh(o: PlateWithHoleOptions): Mesh {
  const a = o.holeRadiusM;
  const W = o.halfWidthM;
  if (!(a > 0 && W > a)) throw new FemMeshError(`need 0 < hole radius < half width, got a=${a}, W=${W}`);
  if (o.nAngular % 2 !== 0) throw new FemMeshError("nAngular must be even so the plate corner is a mesh line");
  const grading = o.grading ?? 1;
  // Geometric spacing: the map s(v) = (g^v - 1)/(g - 1) with g = grading makes the last
  // cell `grading` times as long as the first.
  const ratio = grading;
  const s = (v: number): number => (Math.abs(ratio - 1) < 1e-12 ? v : (Math.pow(ratio, v) - 1) / (ratio - 1));
  const mesh = structuredMesh({
    nu: o.nRadial,
    nv: o.nAngular,
    nw: o.nThickness ?? 1,
    shape: o.shape,
    map: (v, u, w) => {
      // u: angular, v: radial (radial first keeps the parameter frame right-handed).
      const theta = (u * Math.PI) / 2;
      const c = Math.cos(theta);
      const sn = Math.sin(theta);
      // Outer point on the square edge seen from the centre at angle θ.
      const outer: [number, number] = theta <= Math.PI / 4 ? [W, W * Math.tan(theta)] : [W / Math.tan(theta), W];
      if (u === 1) outer[0] = 0;
      const t = s(v);
      return [a * c + t * (outer[0] - a * c), a * sn + t * (outer[1] - a * sn), w * o.thicknessM];
    },
  });
  const sets = new Map<string, FaceSet>();
  const v1 = mesh.faceSets.get("u1") as FaceSet;
  const tol = 1e-9 * W;
  sets.set("ySymmetry", mesh.faceSets.get("v0") as FaceSet);
  sets.set("xSymmetry", mesh.faceSets.get("v1") as FaceSet);
  sets.set("hole", mesh.faceSets.get("u0") as FaceSet);
  sets.set("bottom", mesh.faceSets.get("w0") as FaceSet);
  sets.set("front", mesh.faceSets.get("w1") as FaceSet);
  sets.set(
    "right",
    filterFaces(mesh, v1, (x) => x > W - tol),
  );
  sets.set(
    "top",
    filterFaces(mesh, v1, (_x, y) => y > W - tol),
  );
  const nodeSets = new Map<string, Int32Array>();
  for (const [k, v] of sets) nodeSets.set(k, nodesOfFaces(v));
  return { ...mesh, faceSets: sets, nodeSets };
}
