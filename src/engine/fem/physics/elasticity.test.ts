import { describe, expect, it } from "vitest";
import { SingularModelError } from "../fem.errors";
import { cubicElastic, cubicYoungsModulusPa, isotropicElastic } from "../materials/index";
import { plateWithHoleMesh } from "../mesh/plate-hole.mesh";
import { boxMesh, cantileverMesh } from "../mesh/structured.mesh";
import { selectNodes } from "../mesh/mesh.ops";
import type { ElasticElementName } from "../elements/elastic.formulation";
import type { SolidShapeName } from "../elements/shape.types";
import type { ElasticMaterial } from "../materials/elastic.types";
import { fixed, solveElastic } from "./elasticity.problem";

const E = 210e9;
const nu = 0.3;
const steel = isotropicElastic({ youngsModulusPa: E, poissonRatio: nu });

/** Mean vertical tip deflection (m) of a 1 m × 0.05 m × 0.05 m cantilever under a 1 kN end shear. */
function cantileverTip(element: ElasticElementName, shape: SolidShapeName, nx: number, n: number): number {
  const b = 0.05;
  const mesh = cantileverMesh({ lengthM: 1, widthM: b, heightM: b, nx, ny: n, nz: n, shape });
  const r = solveElastic(
    {
      mesh,
      element,
      material: steel,
      supports: [fixed("fixed")],
      loads: [{ kind: "traction", faces: "tip", tractionPa: [0, 0, -1000 / (b * b)] }],
    },
    { preconditioner: "ic0", tolerance: 1e-10 },
  );
  expect(r.summary.totalReactionN[2]).toBeCloseTo(1000, 4);
  const tip = mesh.nodeSets.get("tip")!;
  let uz = 0;
  for (const node of tip) uz += r.displacementM[3 * node + 2]!;
  return -uz / tip.length;
}

describe("cantilever against Timoshenko beam theory", () => {
  const b = 0.05;
  const I = b ** 4 / 12;
  const G = E / (2 * (1 + nu));
  // Cowper's shear coefficient for a rectangular section.
  const kappa = (10 * (1 + nu)) / (12 + 11 * nu);
  const timoshenko = 1000 / (3 * E * I) + 1000 / (kappa * G * b * b);

  it.each([
    ["hex20", "hex20", 40, 4],
    ["hex8i", "hex8", 40, 4],
  ] as const)("%s tip deflection within 1 %%", (element, shape, nx, n) => {
    const d = cantileverTip(element, shape, nx, n);
    expect(Math.abs(d / timoshenko - 1)).toBeLessThan(0.01);
  });

  it("plain hex8 locks in bending (the reason for hex8i)", () => {
    expect(cantileverTip("hex8", "hex8", 40, 4) / timoshenko).toBeLessThan(0.95);
  });

  it("hex20 converges at about second order under uniform refinement (Richardson estimate)", () => {
    // The clamped edges are stress singularities, which caps the rate near 2.
    const d = [
      cantileverTip("hex20", "hex20", 5, 1),
      cantileverTip("hex20", "hex20", 10, 2),
      cantileverTip("hex20", "hex20", 20, 4),
    ];
    expect(d[2]! > d[1]! && d[1]! > d[0]!).toBe(true);
    const order = Math.log2((d[1]! - d[0]!) / (d[2]! - d[1]!));
    expect(order).toBeGreaterThan(1.5);
    expect(order).toBeLessThan(2.5);
  });
});

describe("plate with a hole under uniaxial tension", () => {
  it("stress concentration factor within 5 % of Kirsch's 3.0", () => {
    const a = 0.01;
    const mesh = plateWithHoleMesh({
      holeRadiusM: a,
      halfWidthM: 10 * a,
      thicknessM: 0.1 * a,
      nAngular: 16,
      nRadial: 12,
      shape: "hex20",
      grading: 12,
    });
    const sigma = 100e6;
    const r = solveElastic(
      {
        mesh,
        element: "hex20",
        material: steel,
        supports: [
          { nodes: "xSymmetry", ux: 0 },
          { nodes: "ySymmetry", uy: 0 },
          { nodes: "bottom", uz: 0 },
        ],
        loads: [{ kind: "traction", faces: "right", tractionPa: [sigma, 0, 0] }],
      },
      { preconditioner: "ic0", tolerance: 1e-10 },
    );
    // The hole's top point (0, a): σxx there is the peak.
    const top = selectNodes(mesh, (x, y) => Math.abs(x) < 1e-12 && Math.abs(y - a) < 1e-9);
    expect(top.length).toBeGreaterThan(0);
    const k = Math.max(...Array.from(top, (n) => r.nodalStressPa[6 * n]!)) / sigma;
    expect(Math.abs(k / 3 - 1)).toBeLessThan(0.05);
    // Far from the hole on the symmetry line x = 0 the stress tends to σ (within 10 %).
    const far = selectNodes(mesh, (x, y) => Math.abs(x) < 1e-12 && Math.abs(y - 10 * a) < 1e-9);
    expect(r.nodalStressPa[6 * far[0]!]! / sigma).toBeGreaterThan(0.9);
  });
});

/** Uniaxial stress test on a unit cube: returns σ/ε along x. */
function uniaxialModulus(material: ElasticMaterial): number {
  const mesh = boxMesh({ lengthM: 1, widthM: 1, heightM: 1, nx: 2, ny: 2, nz: 2, shape: "hex8" });
  const origin = selectNodes(mesh, (x, y, z) => x === 0 && y === 0 && z === 0);
  const yAxis = selectNodes(mesh, (x, y, z) => x === 0 && y === 1 && z === 0);
  const zAxis = selectNodes(mesh, (x, y, z) => x === 0 && y === 0 && z === 1);
  const sigma = 1e8;
  // 3-2-1 supports: the homogeneous (possibly sheared) state is free to develop.
  const r = solveElastic(
    {
      mesh,
      material,
      supports: [
        { nodes: "xmin", ux: 0 },
        { nodes: origin, uy: 0, uz: 0 },
        { nodes: yAxis, uz: 0 },
        { nodes: zAxis, uy: 0 },
      ],
      loads: [{ kind: "traction", faces: "xmax", tractionPa: [sigma, 0, 0] }],
    },
    { preconditioner: "ic0", tolerance: 1e-12 },
  );
  const face = mesh.nodeSets.get("xmax")!;
  let ux = 0;
  for (const n of face) ux += r.displacementM[3 * n]!;
  return sigma / (ux / face.length);
}

describe("cubic anisotropy", () => {
  // Copper (Simmons & Wang): C11 = 168.4, C12 = 121.4, C44 = 75.4 GPa.
  const c = { c11Pa: 168.4e9, c12Pa: 121.4e9, c44Pa: 75.4e9 };
  it("Young's modulus along [100] from a uniaxial test", () => {
    const expected = cubicYoungsModulusPa(c.c11Pa, c.c12Pa, c.c44Pa, [1, 0, 0]);
    expect(expected / 1e9).toBeCloseTo(66.7, 0);
    expect(uniaxialModulus(cubicElastic(c)) / expected).toBeCloseTo(1, 8);
  });
  it("Young's modulus along [111] from a uniaxial test of a rotated crystal", () => {
    const expected = cubicYoungsModulusPa(c.c11Pa, c.c12Pa, c.c44Pa, [1, 1, 1]);
    expect(expected / 1e9).toBeCloseTo(191.1, 0);
    const rotated = cubicElastic({ ...c, orientation: { x: [1, 1, 1], y: [1, -1, 0] } });
    expect(uniaxialModulus(rotated) / expected).toBeCloseTo(1, 8);
  });
  it("an isotropic cubic set (C44 = (C11 − C12)/2) matches the isotropic material", () => {
    const iso = isotropicElastic({ youngsModulusPa: 100e9, poissonRatio: 0.25 });
    const D = iso.stiffnessPa;
    const cubic = cubicElastic({
      c11Pa: D[0]!,
      c12Pa: D[1]!,
      c44Pa: D[21]!,
      orientation: { x: [1, 2, 3], y: [3, 0, -1] },
    });
    for (let k = 0; k < 36; k++) expect(cubic.stiffnessPa[k]! / 1e9).toBeCloseTo(D[k]! / 1e9, 6);
  });
});

describe("thermal strain coupling", () => {
  const alpha = 12e-6;
  const material = isotropicElastic({ youngsModulusPa: E, poissonRatio: nu, thermalExpansionPerK: alpha });
  const mesh = boxMesh({ lengthM: 1, widthM: 0.1, heightM: 0.1, nx: 4, ny: 1, nz: 1, shape: "hex20" });
  const dT = new Float64Array(mesh.nodeCount).fill(100);
  it("a free bar expands by α ΔT L without stress", () => {
    const origin = selectNodes(mesh, (x, y, z) => x === 0 && y === 0 && z === 0);
    const r = solveElastic(
      {
        mesh,
        material,
        temperatureChangeK: dT,
        supports: [
          { nodes: "xmin", ux: 0 },
          { nodes: origin, uy: 0, uz: 0 },
          { nodes: selectNodes(mesh, (x, y, z) => x === 0 && y === 0.1 && z === 0), uz: 0 },
        ],
      },
      { tolerance: 1e-12 },
    );
    for (const n of mesh.nodeSets.get("xmax")!) expect(r.displacementM[3 * n]! / (alpha * 100)).toBeCloseTo(1, 8);
    expect(r.summary.maxVonMisesPa).toBeLessThan(1e-9 * E * alpha * 100);
  });
  it("an axially restrained bar carries σ = −E α ΔT", () => {
    const origin = selectNodes(mesh, (x, y, z) => x === 0 && y === 0 && z === 0);
    const r = solveElastic(
      {
        mesh,
        material,
        temperatureChangeK: dT,
        supports: [
          { nodes: "xmin", ux: 0 },
          { nodes: "xmax", ux: 0 },
          { nodes: origin, uy: 0, uz: 0 },
          { nodes: selectNodes(mesh, (x, y, z) => x === 0 && y === 0.1 && z === 0), uz: 0 },
        ],
      },
      { tolerance: 1e-12 },
    );
    // Lateral expansion is free, so the state is uniaxial everywhere.
    for (let n = 0; n < mesh.nodeCount; n++) expect(r.nodalStressPa[6 * n]! / (-E * alpha * 100)).toBeCloseTo(1, 6);
  });
});

describe("loads and errors", () => {
  it("pressure on a face gives a reaction equal to pressure × area, and gravity ρgV", () => {
    const mesh = boxMesh({ lengthM: 0.2, widthM: 0.1, heightM: 0.1, nx: 2, ny: 1, nz: 1, shape: "tet10" });
    const r = solveElastic({
      mesh,
      material: steel,
      supports: [fixed("xmin")],
      loads: [
        { kind: "pressure", faces: "xmax", pressurePa: 1e6 },
        { kind: "body", forcePerVolumeNPerM3: [0, 0, -7850 * 9.81] },
      ],
    });
    expect(r.summary.totalReactionN[0]).toBeCloseTo(1e6 * 0.01, 3);
    expect(r.summary.totalReactionN[2]).toBeCloseTo(7850 * 9.81 * 0.002, 6);
  });
  it("an unrestrained model raises SingularModelError", () => {
    const mesh = boxMesh({ lengthM: 1, widthM: 1, heightM: 1, nx: 1, ny: 1, nz: 1, shape: "hex8" });
    expect(() => solveElastic({ mesh, material: steel, supports: [] })).toThrow(SingularModelError);
    // Only x fixed on one face: the body can still slide in y and z.
    expect(() => solveElastic({ mesh, material: steel, supports: [{ nodes: "xmin", ux: 0 }] })).toThrow(
      SingularModelError,
    );
  });
  it("progress is reported and cancellation stops the solve", () => {
    const mesh = cantileverMesh({ lengthM: 1, widthM: 0.05, heightM: 0.05, nx: 20, ny: 2, nz: 2, shape: "hex8" });
    const stages = new Set<string>();
    const token = { aborted: false };
    expect(() =>
      solveElastic(
        {
          mesh,
          material: steel,
          supports: [fixed("fixed")],
          loads: [{ kind: "nodal", nodes: "tip", forceN: [0, 0, -10] }],
        },
        {
          preconditioner: "jacobi",
          onProgress: (e) => {
            stages.add(e.stage);
            if (e.stage === "solve") token.aborted = true;
          },
          signal: token,
        },
      ),
    ).toThrow(expect.objectContaining({ code: "FEM_CANCELLED" }));
    expect([...stages]).toEqual(expect.arrayContaining(["assembly", "setup", "solve"]));
  });
});
