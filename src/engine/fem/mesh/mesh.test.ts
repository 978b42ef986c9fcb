import { describe, expect, it } from "vitest";
import { HEX20_EDGES } from "../elements/hex20.element";
import { TET10_EDGES } from "../elements/tet10.element";
import { MeshFormatError } from "../fem.errors";
import { isotropicElastic } from "../materials/index";
import { fixed, solveElastic } from "../physics/elasticity.problem";
import { faceArea } from "../physics/selectors";
import { toVtu } from "../results/vtu.writer";
import { readGmshMsh41 } from "./gmsh-msh41.reader";
import { boundaryFaces, meshVolume } from "./mesh.ops";
import { plateWithHoleMesh } from "./plate-hole.mesh";
import { boxMesh } from "./structured.mesh";

/**
 * A one-element .msh 4.1 text in Gmsh's own node order (Gmsh reference manual, "Node
 * ordering"): corners, then edge nodes in the listed corner pairs. Node tags are written in
 * reverse so the reader cannot rely on tag = index.
 */
function oneElementMsh(
  type: number,
  corners: number[][],
  gmshEdges: number[][],
  surface: { type: number; nodes: number[] },
): string {
  const points = [...corners, ...gmshEdges.map(([p, q]) => corners[p!]!.map((v, i) => (v + corners[q!]![i]!) / 2))];
  const tags = points.map((_, i) => points.length - i);
  return [
    "$MeshFormat",
    "4.1 0 8",
    "$EndMeshFormat",
    "$PhysicalNames",
    "2",
    '2 1 "bottom"',
    '3 2 "solid"',
    "$EndPhysicalNames",
    "$Entities",
    "0 0 1 1",
    "1 0 0 0 1 1 0 1 1 0",
    "1 0 0 0 1 1 1 1 2 1 1",
    "$EndEntities",
    "$Nodes",
    `1 ${points.length} 1 ${points.length}`,
    `3 1 0 ${points.length}`,
    ...tags.map(String),
    ...points.map((p) => p.join(" ")),
    "$EndNodes",
    "$Elements",
    "2 2 1 2",
    `2 1 ${surface.type} 1`,
    `1 ${surface.nodes.map((n) => tags[n]).join(" ")}`,
    `3 1 ${type} 1`,
    `2 ${points.map((_, i) => tags[i]).join(" ")}`,
    "$EndElements",
    "",
  ].join("\n");
}

// prettier-ignore
const CUBE = [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]];
// prettier-ignore
const GMSH_HEX20_EDGES = [[0, 1], [0, 3], [0, 4], [1, 2], [1, 5], [2, 3], [2, 6], [3, 7], [4, 5], [4, 7], [5, 6], [6, 7]];
// prettier-ignore
const TET = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]];
// prettier-ignore
const GMSH_TET10_EDGES = [[0, 1], [1, 2], [0, 2], [0, 3], [2, 3], [1, 3]];

describe("Gmsh .msh 4.1 reader", () => {
  it("reads a quadratic hexahedron into the engine's node order, with an outward face set", () => {
    // The bottom quad8 is listed with an inward (+z) normal: the reader must flip it.
    const mesh = readGmshMsh41(
      oneElementMsh(17, CUBE, GMSH_HEX20_EDGES, { type: 16, nodes: [0, 1, 2, 3, 8, 11, 13, 9] }),
    );
    expect(mesh.shape).toBe("hex20");
    expect(mesh.nodeCount).toBe(20);
    const c = (n: number, i: number): number => mesh.coordinates[3 * mesh.connectivity[n]! + i]!;
    HEX20_EDGES.forEach(([p, q], m) => {
      for (let i = 0; i < 3; i++) expect(c(8 + m, i)).toBeCloseTo((c(p, i) + c(q, i)) / 2, 12);
    });
    expect(meshVolume(mesh)).toBeCloseTo(1, 12);
    expect(mesh.nodeSets.get("solid")!.length).toBe(20);
    expect(faceArea(mesh, mesh.faceSets.get("bottom")!)).toBeCloseTo(1, 12);
    // Pressure on the outward-oriented bottom pushes the body up (+z); the top reacts.
    const top = Int32Array.from(
      Array.from({ length: 20 }, (_, n) => n).filter((n) => mesh.coordinates[3 * n + 2] === 1),
    );
    const r = solveElastic({
      mesh,
      material: isotropicElastic({ youngsModulusPa: 1e9, poissonRatio: 0.3 }),
      supports: [fixed(top)],
      loads: [{ kind: "pressure", faces: "bottom", pressurePa: 1000 }],
    });
    expect(r.summary.totalReactionN[2]).toBeCloseTo(-1000, 6);
  });

  it("reads a quadratic tetrahedron", () => {
    const mesh = readGmshMsh41(oneElementMsh(11, TET, GMSH_TET10_EDGES, { type: 9, nodes: [0, 2, 1, 6, 5, 4] }));
    expect(mesh.shape).toBe("tet10");
    const c = (n: number, i: number): number => mesh.coordinates[3 * mesh.connectivity[n]! + i]!;
    TET10_EDGES.forEach(([p, q], m) => {
      for (let i = 0; i < 3; i++) expect(c(4 + m, i)).toBeCloseTo((c(p, i) + c(q, i)) / 2, 12);
    });
    expect(meshVolume(mesh)).toBeCloseTo(1 / 6, 12);
    expect(faceArea(mesh, mesh.faceSets.get("bottom")!)).toBeCloseTo(0.5, 12);
  });

  it("reports malformed input with its line", () => {
    expect(() => readGmshMsh41("$MeshFormat\n2.2 0 8\n$EndMeshFormat\n")).toThrow(MeshFormatError);
    const broken = oneElementMsh(4, TET, [], { type: 2, nodes: [0, 2, 1] }).replace("$EndNodes", "");
    expect(() => readGmshMsh41(broken)).toThrow(expect.objectContaining({ code: "FEM_MESH_FORMAT" }));
  });
});

describe("structured meshes", () => {
  it.each(["hex8", "hex20", "tet4", "tet10"] as const)(
    "box of %s fills its volume and has a closed boundary",
    (shape) => {
      const mesh = boxMesh({ lengthM: 2, widthM: 1, heightM: 0.5, nx: 3, ny: 2, nz: 2, shape });
      expect(meshVolume(mesh)).toBeCloseTo(1, 10);
      expect(faceArea(mesh, boundaryFaces(mesh))).toBeCloseTo(2 * (2 + 1 + 0.5), 10);
      expect(faceArea(mesh, mesh.faceSets.get("xmax")!)).toBeCloseTo(0.5, 12);
    },
  );

  it("plate with a hole has the area W² − πa²/4 and a circular hole", () => {
    const mesh = plateWithHoleMesh({
      holeRadiusM: 1,
      halfWidthM: 4,
      thicknessM: 0.1,
      nAngular: 8,
      nRadial: 4,
      shape: "hex20",
      grading: 3,
    });
    expect(meshVolume(mesh) / 0.1).toBeCloseTo(16 - Math.PI / 4, 3);
    for (const n of mesh.nodeSets.get("hole")!)
      expect(Math.hypot(mesh.coordinates[3 * n]!, mesh.coordinates[3 * n + 1]!)).toBeCloseTo(1, 12);
    expect(faceArea(mesh, mesh.faceSets.get("right")!)).toBeCloseTo(4 * 0.1, 12);
  });

  it("VTU output lists every point, cell and field", () => {
    const mesh = boxMesh({ lengthM: 1, widthM: 1, heightM: 1, nx: 1, ny: 1, nz: 2, shape: "hex20" });
    const text = toVtu(mesh, [
      { name: "temperature", components: 1, values: new Float64Array(mesh.nodeCount).fill(300) },
    ]);
    expect(text).toContain(`NumberOfPoints="${mesh.nodeCount}" NumberOfCells="2"`);
    expect(text).toContain('Name="temperature"');
    expect(text).toMatch(/Name="types" format="ascii">\n25 25\n/);
    expect(() => toVtu(mesh, [{ name: "bad", components: 3, values: [1] }])).toThrow(RangeError);
  });
});
