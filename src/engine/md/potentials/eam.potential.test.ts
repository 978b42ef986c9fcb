/**
 * Physical checks of the EAM implementation that do not depend on LAMMPS:
 * force = −∂E/∂x and virial = −∂E/∂ε by central finite differences, in a triclinic
 * cell thinner than the cutoff (several periodic images per pair), for every format.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hasSharedData, sharedData, SKIP_REASON } from "../../../../tests/support/shared-data";
import { Random } from "../core/random";
import { type AtomSystem } from "../core/system";
import { buildSupercell, prototypeCell } from "../lattice";
import { NeighborList } from "../neighbor/neighbor-list";
import { UncoveredElementError } from "../core/errors";
import { ForceResult, loadPotential, PotentialRegistry, type Potential } from "./index";

function energyOf(pot: Potential, sys: AtomSystem): number {
  const ff = pot.bind(sys.typeNames);
  const nl = new NeighborList(ff.cutoff, 0.3);
  nl.build(sys);
  const out = new ForceResult();
  ff.compute(sys, nl, { energy: true, virial: true }, out);
  return out.energy;
}

function perturbedTriclinic(lattice: string, a: number, species: string[], seed: number): AtomSystem {
  const cell = prototypeCell(lattice, { a, species });
  // Shear the conventional cell so the box is genuinely triclinic.
  const L = cell.lattice.map((v) => [...v]);
  L[1]![0] = L[1]![0]! + 0.3 * a;
  L[2]![0] = L[2]![0]! - 0.2 * a;
  L[2]![1] = L[2]![1]! + 0.25 * a;
  const sys = buildSupercell({ ...cell, lattice: L }, { repeat: [2, 1, 1] });
  const rng = new Random(seed);
  for (let k = 0; k < sys.positions.length; k++) sys.positions[k] = sys.positions[k]! + 0.15 * (rng.uniform() - 0.5);
  return sys;
}

describe.skipIf(!hasSharedData)("EAM finite differences" + SKIP_REASON, () => {
  const cases: [string, string, string, number][] = [
    ["Cu_u3.eam", "fcc", "Cu", 3.615],
    ["Cu_mishin1.eam.alloy", "fcc", "Cu", 3.615],
    ["Fe_mm.eam.fs", "bcc", "Fe", 2.855],
  ];
  it.each(cases)("%s: forces and virial are energy derivatives", (file, lattice, el, a) => {
    const pot = loadPotential(readFileSync(sharedData("potentials", file), "utf8"), file);
    const sys = perturbedTriclinic(lattice, a, [el], 7);
    const ff = pot.bind(sys.typeNames);
    const nl = new NeighborList(ff.cutoff, 0.3);
    nl.build(sys);
    const out = new ForceResult();
    ff.compute(sys, nl, { energy: true, virial: true }, out);
    const forces = Float64Array.from(sys.forces);
    const virial = Float64Array.from(out.virial);
    const h = 1e-5;
    for (const k of [0, 4, 8, 3 * (sys.n - 1) + 2]) {
      const c = sys.clone();
      c.positions[k] = c.positions[k]! + h;
      const ep = energyOf(pot, c);
      c.positions[k] = c.positions[k]! - 2 * h;
      const em = energyOf(pot, c);
      expect(Math.abs(-(ep - em) / (2 * h) - forces[k]!)).toBeLessThan(2e-5);
    }
    // Virial: W_ab = −∂E/∂ε_ab for a homogeneous deformation x → (I+ε)x.
    const pairs: [number, number, number][] = [
      [0, 0, 0],
      [1, 1, 1],
      [2, 2, 2],
      [0, 1, 3],
      [0, 2, 4],
      [1, 2, 5],
    ];
    for (const [a1, b1, slot] of pairs) {
      const deformed = (eps: number): number => {
        const c = sys.clone();
        const F = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        F[3 * a1 + b1] = F[3 * a1 + b1]! + eps;
        const cell = new Array<number>(9);
        for (let r = 0; r < 3; r++)
          for (let d = 0; d < 3; d++) {
            let s = 0;
            for (let e = 0; e < 3; e++) s += F[3 * d + e]! * c.box.h[3 * r + e]!;
            cell[3 * r + d] = s;
          }
        c.deformTo(cell);
        return energyOf(pot, c);
      };
      const dE = (deformed(h) - deformed(-h)) / (2 * h);
      expect(Math.abs(-dE - virial[slot]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(virial[slot]!)));
    }
  });

  it("triclinic primitive cell gives the conventional cell's energy per atom", () => {
    const pot = loadPotential(readFileSync(sharedData("potentials", "Cu_u3.eam"), "utf8"), "Cu_u3.eam");
    const a = 3.615;
    const conv = buildSupercell(prototypeCell("fcc", { a, species: ["Cu"] }), { repeat: [3, 3, 3] });
    const prim = buildSupercell({
      lattice: [
        [0, a / 2, a / 2],
        [a / 2, 0, a / 2],
        [a / 2, a / 2, 0],
      ],
      fractional: [[0, 0, 0]],
      species: ["Cu"],
    });
    expect(prim.n).toBe(1);
    expect(energyOf(pot, prim)).toBeCloseTo(energyOf(pot, conv) / conv.n, 10);
  });

  it("the registry reports coverage and refuses uncovered elements", () => {
    const reg = new PotentialRegistry();
    for (const f of ["Cu_u3.eam", "Fe_mm.eam.fs", "CuNi.eam.alloy"]) {
      reg.register(loadPotential(readFileSync(sharedData("potentials", f), "utf8"), f));
    }
    expect(reg.coverage().get("Cu")?.sort()).toEqual(["CuNi.eam.alloy", "Cu_u3.eam"]);
    expect(reg.forElements(["Ni", "Cu"]).name).toBe("CuNi.eam.alloy");
    expect(() => reg.covering(["Cu", "Zr"])).toThrow(UncoveredElementError);
    const cu = reg.get("Cu_u3.eam");
    expect(() => cu.bind(["Cu", "Ni"])).toThrow(/does not cover element Ni/);
    expect(cu.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("binary setfl alloy (CuNi.eam.alloy) forces are energy derivatives", () => {
    const pot = loadPotential(readFileSync(sharedData("potentials", "CuNi.eam.alloy"), "utf8"), "CuNi.eam.alloy");
    const sys = buildSupercell(prototypeCell("b1", { a: 3.58 * 1.414, species: ["Cu", "Ni"] }), { repeat: [1, 1, 1] });
    const rng = new Random(3);
    for (let k = 0; k < sys.positions.length; k++) sys.positions[k] = sys.positions[k]! + 0.1 * (rng.uniform() - 0.5);
    energyOf(pot, sys);
    const f = Float64Array.from(sys.forces);
    const h = 1e-5;
    for (const k of [0, 13, 20]) {
      const c = sys.clone();
      c.positions[k] = c.positions[k]! + h;
      const ep = energyOf(pot, c);
      c.positions[k] = c.positions[k]! - 2 * h;
      const em = energyOf(pot, c);
      expect(Math.abs(-(ep - em) / (2 * h) - f[k]!)).toBeLessThan(2e-5);
    }
  });
});
