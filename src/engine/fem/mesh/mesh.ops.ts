import { FACE_SHAPES } from "../elements/faces.element";
import { SOLID_SHAPES } from "../elements/index";
import { FemMeshError } from "../fem.errors";
import type { FaceSet, Mesh } from "./mesh.types";

/** Set operations on meshes: node and face selection for boundary conditions. Metres. */

export function nodesOfFaces(faces: FaceSet): Int32Array {
  return Int32Array.from(new Set(faces.connectivity)).sort();
}

export function nodeSet(mesh: Mesh, name: string): Int32Array {
  const set =
    mesh.nodeSets.get(name) ?? (mesh.faceSets.has(name) ? nodesOfFaces(mesh.faceSets.get(name) as FaceSet) : undefined);
  if (!set)
    throw new FemMeshError(
      `unknown node set "${name}" (have: ${[...mesh.nodeSets.keys(), ...mesh.faceSets.keys()].join(", ")})`,
    );
  return set;
}

export function faceSet(mesh: Mesh, name: string): FaceSet {
  const set = mesh.faceSets.get(name);
  if (!set) throw new FemMeshError(`unknown face set "${name}" (have: ${[...mesh.faceSets.keys()].join(", ")})`);
  return set;
}

/** Nodes whose coordinates satisfy the predicate. */
export function selectNodes(mesh: Mesh, predicate: (x: number, y: number, z: number) => boolean): Int32Array {
  const out: number[] = [];
  const c = mesh.coordinates;
  for (let n = 0; n < mesh.nodeCount; n++)
    if (predicate(c[3 * n] as number, c[3 * n + 1] as number, c[3 * n + 2] as number)) out.push(n);
  return Int32Array.from(out);
}

/** Faces of a set whose centroid satisfies the predicate. */
export function filterFaces(
  mesh: Mesh,
  faces: FaceSet,
  predicate: (x: number, y: number, z: number) => boolean,
): FaceSet {
  const npf = FACE_SHAPES[faces.shape].nodeCount;
  const kept: number[] = [];
  const c = mesh.coordinates;
  for (let f = 0; f < faces.connectivity.length / npf; f++) {
    let x = 0;
    let y = 0;
    let z = 0;
    for (let a = 0; a < npf; a++) {
      const n = faces.connectivity[f * npf + a] as number;
      x += c[3 * n] as number;
      y += c[3 * n + 1] as number;
      z += c[3 * n + 2] as number;
    }
    if (predicate(x / npf, y / npf, z / npf))
      for (let a = 0; a < npf; a++) kept.push(faces.connectivity[f * npf + a] as number);
  }
  return { shape: faces.shape, connectivity: Int32Array.from(kept) };
}

/**
 * All boundary faces (faces owned by exactly one element), outward oriented. Faces are
 * matched by their sorted corner nodes.
 */
export function boundaryFaces(mesh: Mesh): FaceSet {
  const shape = SOLID_SHAPES[mesh.shape];
  const npe = shape.nodeCount;
  const counts = new Map<string, number>();
  const keyOf = (e: number, local: readonly number[], corners: number): string => {
    const ids: number[] = [];
    for (let i = 0; i < corners; i++) ids.push(mesh.connectivity[e * npe + (local[i] as number)] as number);
    return ids.sort((p, q) => p - q).join(",");
  };
  const cornersOf = (faceShape: string): number => (faceShape === "quad4" || faceShape === "quad8" ? 4 : 3);
  for (let e = 0; e < mesh.elementCount; e++)
    for (const f of shape.faces) {
      const k = keyOf(e, f.localNodes, cornersOf(f.shape));
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  const out: number[] = [];
  for (let e = 0; e < mesh.elementCount; e++)
    for (const f of shape.faces)
      if (counts.get(keyOf(e, f.localNodes, cornersOf(f.shape))) === 1)
        for (const l of f.localNodes) out.push(mesh.connectivity[e * npe + l] as number);
  const faceShape = shape.faces[0]?.shape;
  if (!faceShape) throw new FemMeshError("shape without faces");
  return { shape: faceShape, connectivity: Int32Array.from(out) };
}

/** A copy of the mesh with extra named node and face sets. */
export function withSets(
  mesh: Mesh,
  sets: { nodeSets?: Record<string, Int32Array>; faceSets?: Record<string, FaceSet> },
): Mesh {
  const nodeSets = new Map(mesh.nodeSets);
  const faceSets = new Map(mesh.faceSets);
  for (const [k, v] of Object.entries(sets.nodeSets ?? {})) nodeSets.set(k, v);
  for (const [k, v] of Object.entries(sets.faceSets ?? {})) faceSets.set(k, v);
  return { ...mesh, nodeSets, faceSets };
}

/** Sum of element volumes (m³) by the stiffness rule, and a check that no element is inverted. */
export function meshVolume(mesh: Mesh): number {
  const shape = SOLID_SHAPES[mesh.shape];
  const rule = shape.massRule;
  const npe = shape.nodeCount;
  const N = new Float64Array(npe);
  const dN = new Float64Array(npe * 3);
  let volume = 0;
  for (let e = 0; e < mesh.elementCount; e++)
    for (let g = 0; g < rule.count; g++) {
      shape.evaluate(rule.points.subarray(3 * g, 3 * g + 3), N, dN);
      const J = new Float64Array(9);
      for (let a = 0; a < npe; a++) {
        const n = mesh.connectivity[e * npe + a] as number;
        for (let i = 0; i < 3; i++)
          for (let j = 0; j < 3; j++)
            J[3 * i + j] =
              (J[3 * i + j] as number) + (mesh.coordinates[3 * n + i] as number) * (dN[3 * a + j] as number);
      }
      const det =
        J[0]! * (J[4]! * J[8]! - J[5]! * J[7]!) -
        J[1]! * (J[3]! * J[8]! - J[5]! * J[6]!) +
        J[2]! * (J[3]! * J[7]! - J[4]! * J[6]!);
      volume += det * (rule.weights[g] as number);
    }
  return volume;
}
