import { HEX20_EDGES } from "../elements/hex20.element";
import { HEX8_CORNERS } from "../elements/hex8.element";
import { SOLID_SHAPES } from "../elements/index";
import type { SolidShapeName } from "../elements/shape.types";
import { TET10_EDGES } from "../elements/tet10.element";
import { FemMeshError } from "../fem.errors";
import type { FaceSet, Mesh } from "./mesh.types";

/**
 * Structured meshes of a mapped cube: a map (u, v, w) ∈ [0,1]^3 → (x, y, z) in metres,
 * nu × nv × nw cells. Cells are bricks (hex8, hex20) or six Kuhn tetrahedra (tet4, tet10;
 * every cube split about its (0,0,0)-(1,1,1) diagonal, which is conforming across cubes).
 * Quadratic nodes are placed by the map at half-steps, so curved maps give curved edges.
 * Face sets u0, u1, v0, v1, w0, w1 hold the faces on the six sides of the parameter cube;
 * node sets of the same names hold their nodes.
 */
export type PointMap = (u: number, v: number, w: number) => readonly [number, number, number];

export interface StructuredMeshOptions {
  readonly nu: number;
  readonly nv: number;
  readonly nw: number;
  readonly shape: SolidShapeName;
  readonly map: PointMap;
}

// prettier-ignore
const KUHN_PATHS: ReadonlyArray<readonly [number, number, number]> = [
  [0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0],
];

export function structuredMesh(options: StructuredMeshOptions): Mesh {
  const { nu, nv, nw, shape: shapeName, map } = options;
  for (const n of [nu, nv, nw])
    if (!Number.isInteger(n) || n < 1)
      throw new FemMeshError(`cell counts must be positive integers, got ${nu}x${nv}x${nw}`);
  const shape = SOLID_SHAPES[shapeName];
  const quadratic = shapeName === "hex20" || shapeName === "tet10";
  const r = quadratic ? 2 : 1;
  const Lu = r * nu + 1;
  const Lv = r * nv + 1;
  const Lw = r * nw + 1;
  const latticeSize = Lu * Lv * Lw;
  const lat = (i: number, j: number, k: number): number => i + Lu * (j + Lv * k);
  const isHex = shapeName === "hex8" || shapeName === "hex20";
  const npe = shape.nodeCount;
  const cellsPer = isHex ? 1 : 6;
  const elementCount = nu * nv * nw * cellsPer;
  const conn = new Int32Array(elementCount * npe);
  // Lattice indices per element node, later renumbered to used nodes only.
  let e = 0;
  const corner = new Int32Array(8 * 3);
  for (let k = 0; k < nw; k++)
    for (let j = 0; j < nv; j++)
      for (let i = 0; i < nu; i++) {
        for (let c = 0; c < 8; c++) {
          corner[3 * c] = r * (i + ((HEX8_CORNERS[3 * c] as number) + 1) / 2);
          corner[3 * c + 1] = r * (j + ((HEX8_CORNERS[3 * c + 1] as number) + 1) / 2);
          corner[3 * c + 2] = r * (k + ((HEX8_CORNERS[3 * c + 2] as number) + 1) / 2);
        }
        const latOfCorner = (c: number): number =>
          lat(corner[3 * c] as number, corner[3 * c + 1] as number, corner[3 * c + 2] as number);
        const mid = (p: number, q: number): number =>
          lat(
            ((corner[3 * p] as number) + (corner[3 * q] as number)) / 2,
            ((corner[3 * p + 1] as number) + (corner[3 * q + 1] as number)) / 2,
            ((corner[3 * p + 2] as number) + (corner[3 * q + 2] as number)) / 2,
          );
        if (isHex) {
          const base = e * npe;
          for (let c = 0; c < 8; c++) conn[base + c] = latOfCorner(c);
          if (quadratic) HEX20_EDGES.forEach(([p, q], m) => (conn[base + 8 + m] = mid(p, q)));
          e++;
          continue;
        }
        // Kuhn: walk from corner (0,0,0) to (1,1,1) one axis at a time.
        const cornerIndex = (dx: number, dy: number, dz: number): number => {
          for (let c = 0; c < 8; c++) {
            if (
              (HEX8_CORNERS[3 * c] as number) === 2 * dx - 1 &&
              (HEX8_CORNERS[3 * c + 1] as number) === 2 * dy - 1 &&
              (HEX8_CORNERS[3 * c + 2] as number) === 2 * dz - 1
            )
              return c;
          }
          return -1;
        };
        for (const path of KUHN_PATHS) {
          const pos = [0, 0, 0];
          const verts = [cornerIndex(0, 0, 0)];
          for (const axis of path) {
            pos[axis] = 1;
            verts.push(cornerIndex(pos[0] as number, pos[1] as number, pos[2] as number));
          }
          // Odd permutations give negatively oriented tets: swap two vertices.
          const d = (p: number, q: number, comp: number): number =>
            (corner[3 * (verts[q] as number) + comp] as number) - (corner[3 * (verts[p] as number) + comp] as number);
          const det =
            d(0, 1, 0) * (d(0, 2, 1) * d(0, 3, 2) - d(0, 2, 2) * d(0, 3, 1)) -
            d(0, 1, 1) * (d(0, 2, 0) * d(0, 3, 2) - d(0, 2, 2) * d(0, 3, 0)) +
            d(0, 1, 2) * (d(0, 2, 0) * d(0, 3, 1) - d(0, 2, 1) * d(0, 3, 0));
          if (det < 0) [verts[1], verts[2]] = [verts[2] as number, verts[1] as number];
          const base = e * npe;
          for (let c = 0; c < 4; c++) conn[base + c] = latOfCorner(verts[c] as number);
          if (quadratic)
            TET10_EDGES.forEach(([p, q], m) => (conn[base + 4 + m] = mid(verts[p] as number, verts[q] as number)));
          e++;
        }
      }
  // Renumber the lattice points that elements use, in lattice order.
  const newId = new Int32Array(latticeSize).fill(-1);
  for (let t = 0; t < conn.length; t++) newId[conn[t] as number] = 0;
  let nodeCount = 0;
  for (let p = 0; p < latticeSize; p++) if (newId[p] === 0) newId[p] = nodeCount++;
  const coordinates = new Float64Array(3 * nodeCount);
  const latticeOf = new Int32Array(3 * nodeCount);
  for (let k = 0; k < Lw; k++)
    for (let j = 0; j < Lv; j++)
      for (let i = 0; i < Lu; i++) {
        const id = newId[lat(i, j, k)] as number;
        if (id < 0) continue;
        const [x, y, z] = map(i / (Lu - 1), j / (Lv - 1), k / (Lw - 1));
        coordinates[3 * id] = x;
        coordinates[3 * id + 1] = y;
        coordinates[3 * id + 2] = z;
        latticeOf[3 * id] = i;
        latticeOf[3 * id + 1] = j;
        latticeOf[3 * id + 2] = k;
      }
  for (let t = 0; t < conn.length; t++) conn[t] = newId[conn[t] as number] as number;

  // Side faces: element faces whose nodes all sit on one side of the parameter cube.
  // prettier-ignore
  const sides: Array<[string, number, number]> = [
    ["u0", 0, 0], ["u1", 0, Lu - 1], ["v0", 1, 0], ["v1", 1, Lv - 1], ["w0", 2, 0], ["w1", 2, Lw - 1],
  ];
  const faceLists = new Map<string, number[]>(sides.map(([name]) => [name, []]));
  for (let el = 0; el < elementCount; el++)
    for (const f of shape.faces)
      for (const [name, axis, value] of sides) {
        if (f.localNodes.every((l) => latticeOf[3 * (conn[el * npe + l] as number) + axis] === value)) {
          const list = faceLists.get(name) as number[];
          for (const l of f.localNodes) list.push(conn[el * npe + l] as number);
        }
      }
  const faceShape = shape.faces[0]!.shape;
  const faceSets = new Map<string, FaceSet>();
  const nodeSets = new Map<string, Int32Array>();
  for (const [name, list] of faceLists) {
    faceSets.set(name, { shape: faceShape, connectivity: Int32Array.from(list) });
    nodeSets.set(name, Int32Array.from(new Set(list)).sort());
  }
  return { shape: shapeName, nodeCount, elementCount, coordinates, connectivity: conn, nodeSets, faceSets };
}

/** Renames the generic u0…w1 sets. */
export function renameSets(mesh: Mesh, names: Record<string, string>): Mesh {
  const rename = (k: string): string => names[k] ?? k;
  return {
    ...mesh,
    nodeSets: new Map([...mesh.nodeSets].map(([k, v]) => [rename(k), v])),
    faceSets: new Map([...mesh.faceSets].map(([k, v]) => [rename(k), v])),
  };
}

const BOX_NAMES = { u0: "xmin", u1: "xmax", v0: "ymin", v1: "ymax", w0: "zmin", w1: "zmax" };

export interface BoxMeshOptions {
  readonly lengthM: number;
  readonly widthM: number;
  readonly heightM: number;
  readonly nx: number;
  readonly ny: number;
  readonly nz: number;
  readonly shape: SolidShapeName;
  readonly origin?: readonly [number, number, number];
}

/** Box [0,L]×[0,W]×[0,H] (m) with face/node sets xmin…zmax. */
export function boxMesh(o: BoxMeshOptions): Mesh {
  const [x0, y0, z0] = o.origin ?? [0, 0, 0];
  return renameSets(
    structuredMesh({
      nu: o.nx,
      nv: o.ny,
      nw: o.nz,
      shape: o.shape,
      map: (u, v, w) => [x0 + u * o.lengthM, y0 + v * o.widthM, z0 + w * o.heightM],
    }),
    BOX_NAMES,
  );
}

/** Cantilever beam along x: box with sets "fixed" (x = 0) and "tip" (x = L) besides xmin…zmax. */
export function cantileverMesh(o: Omit<BoxMeshOptions, "origin">): Mesh {
  const box = boxMesh(o);
  const nodeSets = new Map(box.nodeSets);
  const faceSets = new Map(box.faceSets);
  nodeSets.set("fixed", box.nodeSets.get("xmin") as Int32Array);
  nodeSets.set("tip", box.nodeSets.get("xmax") as Int32Array);
  faceSets.set("fixed", box.faceSets.get("xmin") as FaceSet);
  faceSets.set("tip", box.faceSets.get("xmax") as FaceSet);
  return { ...box, nodeSets, faceSets };
}

/** Plate in the x-y plane: a box whose thickness is along z. */
export function plateMesh(o: {
  lengthM: number;
  widthM: number;
  thicknessM: number;
  nx: number;
  ny: number;
  nz?: number;
  shape: SolidShapeName;
}): Mesh {
  return boxMesh({
    lengthM: o.lengthM,
    widthM: o.widthM,
    heightM: o.thicknessM,
    nx: o.nx,
    ny: o.ny,
    nz: o.nz ?? 1,
    shape: o.shape,
  });
}
