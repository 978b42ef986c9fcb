import { describe, expect, it } from "vitest";
import { HEX20_EDGES } from "./hex20.element";
import { SOLID_SHAPES } from "./index";
import { TET10_EDGES } from "./tet10.element";
import { ELASTIC_ELEMENT_NAMES, ELASTIC_ELEMENTS } from "./formulations";
import { isotropicElastic } from "../materials/index";
import { boundaryFaces, nodesOfFaces } from "../mesh/mesh.ops";
import { boxMesh } from "../mesh/structured.mesh";
import type { Mesh } from "../mesh/mesh.types";
import { solveElastic } from "../physics/elasticity.problem";

/** Seeded PRNG (mulberry32) so the distorted meshes are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Moves interior corner nodes by up to ±15 % of the cell size; mid-edge nodes go back to
 * their edge midpoints (straight-sided quadratic elements, whose Jacobians the standard
 * rules integrate exactly).
 */
function distort(mesh: Mesh, h: number, seed: number): Mesh {
  const boundary = new Set(nodesOfFaces(boundaryFaces(mesh)));
  const random = rng(seed);
  const coordinates = Float64Array.from(mesh.coordinates);
  const edges = mesh.shape === "hex20" ? HEX20_EDGES : mesh.shape === "tet10" ? TET10_EDGES : [];
  const corners = mesh.shape === "hex20" ? 8 : 4;
  const npe = SOLID_SHAPES[mesh.shape].nodeCount;
  const mid = new Set<number>();
  for (let e = 0; e < mesh.elementCount; e++)
    edges.forEach((_, m) => mid.add(mesh.connectivity[e * npe + corners + m]!));
  for (let n = 0; n < mesh.nodeCount; n++)
    if (!boundary.has(n) && !mid.has(n))
      for (let i = 0; i < 3; i++) coordinates[3 * n + i]! += (random() - 0.5) * 0.3 * h;
  for (let e = 0; e < mesh.elementCount; e++)
    edges.forEach(([p, q], m) => {
      const [a, b, c] = [
        mesh.connectivity[e * npe + p]!,
        mesh.connectivity[e * npe + q]!,
        mesh.connectivity[e * npe + corners + m]!,
      ];
      for (let i = 0; i < 3; i++) coordinates[3 * c + i] = (coordinates[3 * a + i]! + coordinates[3 * b + i]!) / 2;
    });
  return { ...mesh, coordinates };
}

// A general linear field u = G x + c (m); strain is constant.
const G = [
  [1e-3, 2e-4, -3e-4],
  [-1e-4, -5e-4, 4e-4],
  [3e-4, 1e-4, 7e-4],
];
const c0 = [1e-4, -2e-4, 3e-4];
const exact = (x: number, y: number, z: number, i: number): number =>
  G[i]![0]! * x + G[i]![1]! * y + G[i]![2]! * z + c0[i]!;

describe("patch test: a linear displacement field is reproduced exactly on a distorted mesh", () => {
  const material = isotropicElastic({ youngsModulusPa: 200e9, poissonRatio: 0.3 });
  const strain = [G[0]![0]!, G[1]![1]!, G[2]![2]!, G[1]![2]! + G[2]![1]!, G[0]![2]! + G[2]![0]!, G[0]![1]! + G[1]![0]!];
  const stress = [0, 1, 2, 3, 4, 5].map((k) => strain.reduce((s, e, m) => s + material.stiffnessPa[6 * k + m]! * e, 0));

  it.each(ELASTIC_ELEMENT_NAMES)("%s", (element) => {
    const shape = ELASTIC_ELEMENTS[element]().shape.name;
    const mesh = distort(boxMesh({ lengthM: 1, widthM: 1, heightM: 1, nx: 3, ny: 3, nz: 3, shape }), 1 / 3, 42);
    const boundary = nodesOfFaces(boundaryFaces(mesh));
    const supports = Array.from(boundary, (n) => {
      const [x, y, z] = [mesh.coordinates[3 * n]!, mesh.coordinates[3 * n + 1]!, mesh.coordinates[3 * n + 2]!];
      return { nodes: Int32Array.of(n), ux: exact(x, y, z, 0), uy: exact(x, y, z, 1), uz: exact(x, y, z, 2) };
    });
    const r = solveElastic({ mesh, element, material, supports }, { preconditioner: "ic0", tolerance: 1e-13 });
    let maxErr = 0;
    for (let n = 0; n < mesh.nodeCount; n++)
      for (let i = 0; i < 3; i++) {
        const u = exact(mesh.coordinates[3 * n]!, mesh.coordinates[3 * n + 1]!, mesh.coordinates[3 * n + 2]!, i);
        maxErr = Math.max(maxErr, Math.abs(r.displacementM[3 * n + i]! - u));
      }
    expect(maxErr).toBeLessThan(1e-12);
    for (let g = 0; g < r.gaussStressPa.length / 6; g++)
      for (let k = 0; k < 6; k++) expect(Math.abs(r.gaussStressPa[6 * g + k]! - stress[k]!)).toBeLessThan(1e-6 * 1e8);
    for (let n = 0; n < mesh.nodeCount; n++)
      for (let k = 0; k < 6; k++) expect(Math.abs(r.nodalStressPa[6 * n + k]! - stress[k]!)).toBeLessThan(1e-6 * 1e8);
    // Strain energy of a homogeneous state: ½ σ·ε V with V = 1 m³.
    const energy = 0.5 * stress.reduce((s, v, k) => s + v * strain[k]!, 0);
    expect(r.strainEnergyJ).toBeCloseTo(energy, 6);
  });
});
