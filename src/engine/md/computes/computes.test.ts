/**
 * Computes: per-atom energies and virials add up to the totals (so the heat flux is
 * built from a consistent decomposition; for a uniform drift it reduces to E·u + W·u), g(r) of a crystal peaks at its shells,
 * MSD and Lindemann index vanish for a static crystal, stress invariants of a
 * hydrostatic state, and temperature/pressure of a known velocity field.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hasSharedData, sharedData, SKIP_REASON } from "../../../../tests/support/shared-data";
import { Random } from "../core/random";
import { Simulation } from "../core/simulation";
import { buildSupercell, prototypeCell } from "../lattice";
import { ljSingle, loadPotential, type Potential } from "../potentials";
import { heatFluxTimesVolume } from "./heat-flux.compute";
import { RdfAccumulator, stressInvariants } from "./structure.compute";
import { LindemannTracker, MsdTracker } from "./trajectory.compute";

function perturbedFcc(pot: Potential, species: string, a: number): Simulation {
  const sys = buildSupercell(prototypeCell("fcc", { a, species: [species] }), { repeat: [3, 3, 3] });
  const rng = new Random(9);
  for (let k = 0; k < sys.positions.length; k++) sys.positions[k] = sys.positions[k]! + 0.1 * (rng.uniform() - 0.5);
  const sim = new Simulation(sys, pot);
  sim.initVelocities(500, 3);
  return sim;
}

function checkDecomposition(sim: Simulation): void {
  const total = sim.computeForces({ energy: true, virial: true });
  const e = total.energy;
  const w = Float64Array.from(total.virial);
  const f = Float64Array.from(sim.system.forces);
  const per = sim.computeForces({ energy: true, virial: true, perAtom: true });
  expect(per.perAtomEnergy.reduce((s, x) => s + x, 0)).toBeCloseTo(e, 8);
  for (let c = 0; c < 6; c++) {
    let s = 0;
    for (let i = 0; i < sim.system.n; i++) s += per.perAtomVirial[6 * i + c]!;
    expect(s).toBeCloseTo(w[c]!, 8);
  }
  for (let k = 0; k < f.length; k++) expect(sim.system.forces[k]).toBeCloseTo(f[k]!, 10);
  // Uniform drift u on every atom: J·V = (Σe_i)·u + W·u exactly (e_i including kinetic energy).
  const u = [0.7, -0.4, 1.1];
  const v = sim.system.velocities;
  for (let i = 0; i < sim.system.n; i++) for (let d = 0; d < 3; d++) v[3 * i + d] = u[d]!;
  const j = heatFluxTimesVolume(sim);
  const ke = sim.kineticEnergy();
  const W = [
    [w[0]!, w[3]!, w[4]!],
    [w[3]!, w[1]!, w[5]!],
    [w[4]!, w[5]!, w[2]!],
  ];
  for (let d = 0; d < 3; d++) {
    const expected = (e + ke) * u[d]! + W[d]![0]! * u[0]! + W[d]![1]! * u[1]! + W[d]![2]! * u[2]!;
    expect(j[d]).toBeCloseTo(expected, 6);
  }
}

describe("per-atom decomposition", () => {
  it("LJ: per-atom energies and virials sum to the totals", () => {
    checkDecomposition(perturbedFcc(ljSingle("Ar", 0.0104, 3.4, 8.5, true), "Ar", 5.26));
  });
  it.skipIf(!hasSharedData)("EAM (Cu_u3.eam): per-atom energies and virials sum to the totals" + SKIP_REASON, () => {
    const pot = loadPotential(readFileSync(sharedData("potentials", "Cu_u3.eam"), "utf8"), "Cu_u3.eam");
    checkDecomposition(perturbedFcc(pot, "Cu", 3.615));
  });
});

describe("structure and trajectory computes", () => {
  it("g(r) of fcc has its first peak at a/√2 and no pairs below it", () => {
    const a = 4;
    const sys = buildSupercell(prototypeCell("fcc", { a, species: ["Ar"] }), { repeat: [3, 3, 3] });
    const rdf = new RdfAccumulator(6, 120);
    rdf.add(sys);
    const { r, g } = rdf.result();
    let peak = 0;
    for (let b = 1; b < g.length; b++) if (g[b]! > g[peak]!) peak = b;
    expect(Math.abs(r[peak]! - a / Math.SQRT2)).toBeLessThan(0.05);
    for (let b = 0; b < g.length; b++) if (r[b]! < a / Math.SQRT2 - 0.1) expect(g[b]).toBe(0);
    // Integral of 4πr²ρ g(r) over the first peak gives 12 neighbours.
    const rho = sys.n / sys.box.volume;
    let z = 0;
    for (let b = 0; b < g.length; b++) if (r[b]! < 3.2) z += 4 * Math.PI * r[b]! ** 2 * rho * g[b]! * (6 / 120);
    expect(z).toBeCloseTo(12, 0);
  });

  it("MSD and Lindemann index are zero for a static crystal and grow under drift-free motion", () => {
    const sys = buildSupercell(prototypeCell("fcc", { a: 4, species: ["Ar"] }), { repeat: [2, 2, 2] });
    const msd = new MsdTracker(sys);
    const lind = new LindemannTracker(sys.n, 4 / Math.SQRT2);
    lind.add(sys);
    lind.add(sys);
    expect(msd.value(sys)).toBeCloseTo(0, 12);
    expect(lind.value()).toBeCloseTo(0, 12);
    // Move atom 0 by 1 Å and atom 1 by −1 Å (no centre-of-mass motion).
    sys.positions[0] = sys.positions[0]! + 1;
    sys.positions[3] = sys.positions[3]! - 1;
    expect(msd.value(sys)).toBeCloseTo(2 / sys.n, 12);
    lind.add(sys);
    expect(lind.value()).toBeGreaterThan(0);
  });

  it("stress invariants of a hydrostatic state", () => {
    const inv = stressInvariants([-2, -2, -2, 0, 0, 0]);
    expect(inv.i1).toBeCloseTo(-6, 12);
    expect(inv.vonMises).toBeCloseTo(0, 12);
    expect(stressInvariants([1, 0, 0, 0, 0, 0]).vonMises).toBeCloseTo(1, 12);
    expect(stressInvariants([0, 0, 0, 1, 0, 0]).vonMises).toBeCloseTo(Math.sqrt(3), 12);
  });
});
