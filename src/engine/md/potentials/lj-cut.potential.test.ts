import { describe, expect, it } from "vitest";
import { Box } from "../core/box";
import { AtomSystem } from "../core/system";
import { NeighborList } from "../neighbor/neighbor-list";
import { ForceResult, ljSingle, LjCutPotential } from "./index";
import { UncoveredElementError } from "../core/errors";

function dimer(r: number): AtomSystem {
  return new AtomSystem({
    box: Box.orthorhombic(30, 30, 30),
    positions: [5, 5, 5, 5 + r, 5, 5],
    types: [0, 0],
    typeNames: ["Ar"],
    typeMasses: [39.948],
  });
}

describe("lj/cut", () => {
  it("dimer energy and force equal the analytic 12-6 expressions", () => {
    const eps = 0.0104;
    const sig = 3.4;
    const pot = ljSingle("Ar", eps, sig, 8.5);
    for (const r of [3.2, 3.4, 3.8164, 4.5, 7.9]) {
      const sys = dimer(r);
      const ff = pot.bind(sys.typeNames);
      const nl = new NeighborList(ff.cutoff, 0.5);
      nl.build(sys);
      const out = new ForceResult();
      ff.compute(sys, nl, { energy: true }, out);
      const sr6 = (sig / r) ** 6;
      expect(out.energy).toBeCloseTo(4 * eps * (sr6 * sr6 - sr6), 12);
      const fAnalytic = (24 * eps * (2 * sr6 * sr6 - sr6)) / r; // +: repulsive
      expect(sys.forces[3]).toBeCloseTo(fAnalytic, 10);
      expect(sys.forces[0]).toBeCloseTo(-fAnalytic, 10);
    }
  });

  it("shifted potential is zero at the cutoff and unchanged forces", () => {
    const plain = ljSingle("Ar", 1, 1, 2.5, false);
    const shifted = ljSingle("Ar", 1, 1, 2.5, true);
    const sys = dimer(2.4999999);
    const nl = new NeighborList(2.5, 0.3);
    nl.build(sys);
    const a = new ForceResult();
    const b = new ForceResult();
    shifted.bind(["Ar"]).compute(sys, nl, { energy: true }, b);
    const fShift = sys.forces[3]!;
    plain.bind(["Ar"]).compute(sys, nl, { energy: true }, a);
    expect(Math.abs(b.energy)).toBeLessThan(1e-6);
    expect(a.energy).toBeLessThan(-0.016);
    expect(sys.forces[3]).toBeCloseTo(fShift, 12);
  });

  it("mixes unlike pairs by Lorentz–Berthelot and rejects unknown species", () => {
    const pot = new LjCutPotential({
      species: { A: { epsilon: 1, sigma: 1, cutoff: 2.5 }, B: { epsilon: 4, sigma: 2, cutoff: 5 } },
    });
    const p = pot.pairParams("A", "B");
    expect(p.epsilon).toBeCloseTo(2, 12);
    expect(p.sigma).toBeCloseTo(1.5, 12);
    expect(p.cutoff).toBe(5);
    expect(() => pot.bind(["A", "C"])).toThrow(UncoveredElementError);
  });
});
