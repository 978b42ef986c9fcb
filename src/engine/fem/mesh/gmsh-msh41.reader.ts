import type { FaceShapeName, SolidShapeName } from "../elements/shape.types";
import { FACE_SHAPES, SOLID_SHAPES } from "../elements/index";
import { FemMeshError, MeshFormatError } from "../fem.errors";
import type { FaceSet, Mesh } from "./mesh.types";

/**
 * Reader for Gmsh `.msh` 4.1 ASCII text (the file contents, not a path). Volume elements
 * (tetrahedra and hexahedra, linear or quadratic; one kind per mesh) become the mesh;
 * physical groups become sets: every physical group gives a node set, and surface groups
 * give face sets oriented outward. Names come from $PhysicalNames, else "physical:<tag>".
 * Node orders follow the Gmsh manual ("Node ordering") and are permuted to the
 * VTK/CalculiX order used by the engine.
 */
const VOLUME_TYPES: Record<number, { shape: SolidShapeName; perm: readonly number[] }> = {
  4: { shape: "tet4", perm: [0, 1, 2, 3] },
  5: { shape: "hex8", perm: [0, 1, 2, 3, 4, 5, 6, 7] },
  11: { shape: "tet10", perm: [0, 1, 2, 3, 4, 5, 6, 7, 9, 8] },
  17: { shape: "hex20", perm: [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 13, 9, 16, 18, 19, 17, 10, 12, 14, 15] },
};
const SURFACE_TYPES: Record<number, FaceShapeName> = { 2: "tri3", 3: "quad4", 9: "tri6", 16: "quad8" };
/** Nodes per element for every type we may need to skip. */
// prettier-ignore
const NODES_PER_TYPE: Record<number, number> = { 1: 2, 2: 3, 3: 4, 4: 4, 5: 8, 6: 6, 8: 3, 9: 6, 10: 9, 11: 10, 12: 27, 15: 1, 16: 8, 17: 20, 18: 15, 26: 4, 21: 10 };

class LineReader {
  private index = 0;
  constructor(private readonly lines: string[]) {}
  get lineNumber(): number {
    return this.index;
  }
  next(): string {
    while (this.index < this.lines.length) {
      const line = (this.lines[this.index++] as string).trim();
      if (line.length > 0) return line;
    }
    throw new MeshFormatError(this.index, "unexpected end of file");
  }
  numbers(): number[] {
    const line = this.next();
    const values = line.split(/\s+/).map(Number);
    if (values.some((v) => Number.isNaN(v)))
      throw new MeshFormatError(this.index, `expected numbers, got "${line.slice(0, 60)}"`);
    return values;
  }
  done(): boolean {
    while (this.index < this.lines.length && (this.lines[this.index] as string).trim() === "") this.index++;
    return this.index >= this.lines.length;
  }
}

export function readGmshMsh41(text: string): Mesh {
  const reader = new LineReader(text.split(/\r?\n/));
  const physicalNames = new Map<string, string>();
  /** "dim:entityTag" → physical tags */
  const entityPhysicals = new Map<string, number[]>();
  const nodeIndex = new Map<number, number>();
  const coords: number[] = [];
  const volumes: { shape: SolidShapeName; nodes: number[] }[] = [];
  const surfaces: { shape: FaceShapeName; nodes: number[]; physicals: number[] }[] = [];
  const groupNodes = new Map<string, Set<number>>();
  let sawFormat = false;

  while (!reader.done()) {
    const header = reader.next();
    if (!header.startsWith("$"))
      throw new MeshFormatError(reader.lineNumber, `expected a section header, got "${header.slice(0, 40)}"`);
    const section = header.slice(1);
    if (section === "MeshFormat") {
      const [version, fileType] = reader.next().split(/\s+/);
      if (version !== "4.1")
        throw new MeshFormatError(reader.lineNumber, `only format 4.1 is supported, got ${version}`);
      if (fileType !== "0") throw new MeshFormatError(reader.lineNumber, "binary .msh is not supported; save as ASCII");
      sawFormat = true;
    } else if (section === "PhysicalNames") {
      const count = reader.numbers()[0] as number;
      for (let i = 0; i < count; i++) {
        const line = reader.next();
        const m = /^(\d+)\s+(\d+)\s+"(.*)"$/.exec(line);
        if (!m) throw new MeshFormatError(reader.lineNumber, "bad physical name line");
        physicalNames.set(`${m[1]}:${m[2]}`, m[3] as string);
      }
    } else if (section === "Entities") {
      const counts = reader.numbers();
      for (let dim = 0; dim < 4; dim++) {
        for (let i = 0; i < (counts[dim] as number); i++) {
          const v = reader.numbers();
          // Points: tag x y z nPhys ...; others: tag minx miny minz maxx maxy maxz nPhys ...
          const at = dim === 0 ? 4 : 7;
          const n = v[at] as number;
          entityPhysicals.set(`${dim}:${v[0]}`, v.slice(at + 1, at + 1 + n));
        }
      }
    } else if (section === "Nodes") {
      const [blocks] = reader.numbers() as [number];
      for (let b = 0; b < blocks; b++) {
        const [, , parametric, count] = reader.numbers() as [number, number, number, number];
        if (parametric) throw new MeshFormatError(reader.lineNumber, "parametric node coordinates are not supported");
        const tags: number[] = [];
        for (let i = 0; i < count; i++) tags.push(reader.numbers()[0] as number);
        for (const tag of tags) {
          const xyz = reader.numbers();
          if (xyz.length < 3) throw new MeshFormatError(reader.lineNumber, "node line needs x y z");
          nodeIndex.set(tag, coords.length / 3);
          coords.push(xyz[0] as number, xyz[1] as number, xyz[2] as number);
        }
      }
    } else if (section === "Elements") {
      const [blocks] = reader.numbers() as [number];
      for (let b = 0; b < blocks; b++) {
        const [dim, entity, type, count] = reader.numbers() as [number, number, number, number];
        const physicals = entityPhysicals.get(`${dim}:${entity}`) ?? [];
        const npe = NODES_PER_TYPE[type];
        if (npe === undefined) throw new MeshFormatError(reader.lineNumber, `unsupported element type ${type}`);
        for (let i = 0; i < count; i++) {
          const v = reader.numbers();
          if (v.length !== npe + 1)
            throw new MeshFormatError(
              reader.lineNumber,
              `element of type ${type} needs ${npe} nodes, got ${v.length - 1}`,
            );
          const nodes = v.slice(1).map((tag) => {
            const id = nodeIndex.get(tag);
            if (id === undefined) throw new MeshFormatError(reader.lineNumber, `unknown node tag ${tag}`);
            return id;
          });
          for (const p of physicals) {
            const key = `${dim}:${p}`;
            let set = groupNodes.get(key);
            if (!set) groupNodes.set(key, (set = new Set()));
            for (const n of nodes) set.add(n);
          }
          const vol = VOLUME_TYPES[type];
          if (vol) volumes.push({ shape: vol.shape, nodes: vol.perm.map((p) => nodes[p] as number) });
          const surf = SURFACE_TYPES[type];
          if (surf && dim === 2) surfaces.push({ shape: surf, nodes, physicals });
        }
      }
    } else {
      // Sections we do not use ($Periodic, $NodeData, …) are skipped whole.
      while (reader.next() !== `$End${section}`);
      continue;
    }
    const end = reader.next();
    if (end !== `$End${section}`)
      throw new MeshFormatError(reader.lineNumber, `expected $End${section}, got "${end.slice(0, 40)}"`);
  }
  if (!sawFormat) throw new MeshFormatError(1, "missing $MeshFormat");
  const first = volumes[0];
  if (!first) throw new FemMeshError("the .msh file has no tetrahedra or hexahedra");
  const shapeName = first.shape;
  if (volumes.some((v) => v.shape !== shapeName))
    throw new FemMeshError("mixed volume element kinds in one .msh are not supported");
  const shape = SOLID_SHAPES[shapeName];
  const connectivity = Int32Array.from(volumes.flatMap((v) => v.nodes));
  const coordinates = Float64Array.from(coords);
  const nameOf = (dim: number, tag: number): string => physicalNames.get(`${dim}:${tag}`) ?? `physical:${tag}`;

  const nodeSets = new Map<string, Int32Array>();
  for (const [key, set] of groupNodes) {
    const [dim, tag] = key.split(":").map(Number) as [number, number];
    nodeSets.set(nameOf(dim, tag), Int32Array.from(set).sort());
  }
  const faceSets = new Map<string, FaceSet>();
  const orient = orientFaces(coordinates, connectivity, shape.nodeCount, shape.cornerCount);
  const byGroup = new Map<number, { shape: FaceShapeName; nodes: number[] }>();
  for (const s of surfaces)
    for (const p of s.physicals) {
      let g = byGroup.get(p);
      if (!g) byGroup.set(p, (g = { shape: s.shape, nodes: [] }));
      if (g.shape !== s.shape)
        throw new FemMeshError(`physical surface ${nameOf(2, p)} mixes ${g.shape} and ${s.shape} faces`);
      g.nodes.push(...orient(s.shape, s.nodes));
    }
  for (const [tag, g] of byGroup)
    faceSets.set(nameOf(2, tag), { shape: g.shape, connectivity: Int32Array.from(g.nodes) });
  return {
    shape: shapeName,
    nodeCount: coordinates.length / 3,
    elementCount: volumes.length,
    coordinates,
    connectivity,
    nodeSets,
    faceSets,
  };
}

/**
 * Gmsh does not promise surface elements point out of the volume; flip those whose
 * normal points towards the centroid of the element that owns them.
 */
function orientFaces(coords: Float64Array, conn: Int32Array, npe: number, corners: number) {
  const elementsOfNode = new Map<number, number[]>();
  for (let e = 0; e < conn.length / npe; e++)
    for (let a = 0; a < corners; a++) {
      const n = conn[e * npe + a] as number;
      let list = elementsOfNode.get(n);
      if (!list) elementsOfNode.set(n, (list = []));
      list.push(e);
    }
  return (shape: FaceShapeName, nodes: number[]): number[] => {
    const faceCorners = shape === "quad4" || shape === "quad8" ? 4 : 3;
    const candidates = elementsOfNode.get(nodes[0] as number) ?? [];
    const owner = candidates.find((e) => {
      const own = new Set(Array.from(conn.subarray(e * npe, e * npe + corners)));
      return nodes.slice(0, faceCorners).every((n) => own.has(n));
    });
    if (owner === undefined) throw new FemMeshError("a physical surface element is not a face of any volume element");
    const p = (n: number, i: number): number => coords[3 * (nodes[n] as number) + i] as number;
    const u = [p(1, 0) - p(0, 0), p(1, 1) - p(0, 1), p(1, 2) - p(0, 2)];
    const v = [p(2, 0) - p(0, 0), p(2, 1) - p(0, 1), p(2, 2) - p(0, 2)];
    const normal = [u[1]! * v[2]! - u[2]! * v[1]!, u[2]! * v[0]! - u[0]! * v[2]!, u[0]! * v[1]! - u[1]! * v[0]!];
    const centroid = [0, 0, 0];
    for (let a = 0; a < corners; a++)
      for (let i = 0; i < 3; i++)
        centroid[i]! += (coords[3 * (conn[owner * npe + a] as number) + i] as number) / corners;
    const dot =
      normal[0]! * (centroid[0]! - p(0, 0)) +
      normal[1]! * (centroid[1]! - p(0, 1)) +
      normal[2]! * (centroid[2]! - p(0, 2));
    if (dot <= 0) return nodes;
    return reverseFace(shape, nodes);
  };
}

/** Reverses the corner cycle (keeping node 0) and its mid-edge nodes to match. */
function reverseFace(shape: FaceShapeName, nodes: number[]): number[] {
  const n = FACE_SHAPES[shape].nodeCount;
  const c = shape === "quad4" || shape === "quad8" ? 4 : 3;
  const out = [nodes[0] as number];
  for (let i = c - 1; i >= 1; i--) out.push(nodes[i] as number);
  if (n > c) {
    // Mid-edge i joins corners i and i+1; reversed, edge (0, c-1) comes first.
    for (let i = c - 1; i >= 0; i--) out.push(nodes[c + i] as number);
  }
  return out;
}
