/**
 * Threaded forces must be the serial forces: same pairs, only summed in another
 * order, so force, energy and virial agree to round-off (1e-10 relative to their
 * scale) for LJ (one and two species) and EAM (funcfl and a two-element setfl), in
 * orthorhombic and triclinic cells. NVE with two threads conserves energy as the
 * serial run does, and dispose() leaves no thread behind.
 */
import { readFileSync } from "node:fs";
import type { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { hasSharedData, sharedData, SKIP_REASON } from "../../../../tests/support/shared-data";
import { InvalidOptionError } from "../core/errors";
import { Random } from "../core/random";
import { Simulation } from "../core/simulation";
import type { AtomSystem } from "../core/system";
import { LJ_UNITS } from "../core/units";
import { VelocityVerlet } from "../dynamics/velocity-verlet.integrator";
import { buildSupercell, prototypeCell } from "../lattice";
import { LjCutPotential, ljSingle, loadPotential, type Potential } from "../potentials";
import { ParallelForceField } from "./parallel-force-field";

const open: Simulation[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.dispose()));
});

function track(sim: Simulation): Simulation {
  open.push(sim);
  return sim;
}

interface CrystalCase {
  lattice: string;
  a: number;
  species: string[];
  repeat: [number, number, number];
  triclinic: boolean;
  /** Reassign every other atom to this species (random alloy). */
  alloyWith?: string;
  /** For made-up species. */
  masses?: Record<string, number>;
}

function perturbedCrystal(c: CrystalCase, jitter: number, seed: number): AtomSystem {
  const cell = prototypeCell(c.lattice, { a: c.a, species: c.species });
  const L = cell.lattice.map((v) => [...v]);
  if (c.triclinic) {
    L[1]![0] = L[1]![0]! + 0.3 * c.a;
    L[2]![0] = L[2]![0]! - 0.2 * c.a;
    L[2]![1] = L[2]![1]! + 0.25 * c.a;
  }
  const order = c.alloyWith ? [...c.species, c.alloyWith] : undefined;
  const sys = buildSupercell(
    { ...cell, lattice: L },
    {
      repeat: c.repeat,
      ...(order ? { typeOrder: order } : {}),
      ...(c.masses ? { masses: c.masses } : {}),
    },
  );
  const rng = new Random(seed);
  for (let k = 0; k < sys.positions.length; k++) sys.positions[k] = sys.positions[k]! + jitter * (rng.uniform() - 0.5);
  if (c.alloyWith) for (let i = 0; i < sys.n; i++) if (rng.uniform() < 0.5) sys.types[i] = order!.length - 1;
  return sys;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]!));
  return m;
}

/** Serial and threaded results on the same configuration, compared at 1e-10 of their scale. */
function expectSameAsSerial(pot: Potential, sys: AtomSystem, threads: number, units = {}): void {
  const serial = new Simulation(sys.clone(), pot, units);
  const parallel = track(new Simulation(sys.clone(), pot, { ...units, threads }));
  expect(parallel.forceField).toBeInstanceOf(ParallelForceField);
  for (const flags of [
    { energy: true, virial: true },
    { energy: false, virial: false },
  ]) {
    const a = serial.computeForces(flags);
    const b = parallel.computeForces(flags);
    const fa = serial.system.forces;
    const fb = parallel.system.forces;
    const fScale = maxAbs(fa);
    expect(fScale).toBeGreaterThan(1e-3);
    for (let k = 0; k < fa.length; k++) expect(Math.abs(fa[k]! - fb[k]!)).toBeLessThanOrEqual(1e-10 * fScale);
    if (flags.energy) {
      expect(Math.abs(a.energy)).toBeGreaterThan(0);
      expect(Math.abs(a.energy - b.energy)).toBeLessThanOrEqual(1e-10 * Math.abs(a.energy));
    } else {
      expect(b.energy).toBe(0);
    }
    const vScale = maxAbs(a.virial);
    if (flags.virial) expect(vScale).toBeGreaterThan(0);
    for (let d = 0; d < 6; d++) expect(Math.abs(a.virial[d]! - b.virial[d]!)).toBeLessThanOrEqual(1e-10 * vScale);
  }
}

const FCC_ORTHO: CrystalCase = {
  lattice: "fcc",
  a: 1.5496,
  species: ["X"],
  repeat: [5, 5, 5],
  triclinic: false,
  masses: { X: 1 },
};

describe("parallel Lennard-Jones forces", () => {
  it("one species, orthorhombic, 2 and 3 threads", () => {
    const sys = perturbedCrystal(FCC_ORTHO, 0.1, 11);
    for (const threads of [2, 3])
      expectSameAsSerial(ljSingle("X", 1, 1, 2.5, false, 1), sys, threads, { units: LJ_UNITS });
  });

  it("two species with shifted mixing rules, triclinic", () => {
    const pot = new LjCutPotential({
      species: { A: { epsilon: 1, sigma: 1, cutoff: 2.5 }, B: { epsilon: 0.6, sigma: 0.9, cutoff: 2.2 } },
      shift: true,
      masses: { A: 1, B: 2 },
    });
    const sys = perturbedCrystal(
      {
        lattice: "fcc",
        a: 1.55,
        species: ["A"],
        repeat: [4, 4, 4],
        triclinic: true,
        alloyWith: "B",
        masses: { A: 1, B: 2 },
      },
      0.1,
      12,
    );
    expectSameAsSerial(pot, sys, 2, { units: LJ_UNITS });
  });
});

describe.skipIf(!hasSharedData)("parallel EAM forces" + SKIP_REASON, () => {
  const load = (file: string): Potential => loadPotential(readFileSync(sharedData("potentials", file), "utf8"), file);

  it("funcfl Cu, orthorhombic and triclinic", () => {
    const pot = load("Cu_u3.eam");
    for (const triclinic of [false, true]) {
      const sys = perturbedCrystal(
        { lattice: "fcc", a: 3.615, species: ["Cu"], repeat: [4, 4, 4], triclinic },
        0.2,
        13,
      );
      expectSameAsSerial(pot, sys, 2);
    }
  });

  it("two-element setfl (CuNi random alloy), triclinic", () => {
    const pot = load("CuNi.eam.alloy");
    const sys = perturbedCrystal(
      { lattice: "fcc", a: 3.58, species: ["Cu"], repeat: [4, 4, 4], triclinic: true, alloyWith: "Ni" },
      0.2,
      14,
    );
    expectSameAsSerial(pot, sys, 2);
  });

  it("Finnis–Sinclair Fe, bcc", () => {
    const sys = perturbedCrystal(
      { lattice: "bcc", a: 2.855, species: ["Fe"], repeat: [5, 5, 5], triclinic: false },
      0.2,
      15,
    );
    expectSameAsSerial(load("Fe_mm.eam.fs"), sys, 2);
  });

  it("NVE with two threads conserves energy like the serial run", () => {
    const pot = load("Cu_u3.eam");
    const sys = perturbedCrystal(
      { lattice: "fcc", a: 3.615, species: ["Cu"], repeat: [5, 5, 5], triclinic: false },
      0,
      16,
    );
    const run = (threads: number): number[] => {
      const sim = track(new Simulation(sys.clone(), pot, { threads, skin: 1.0 }));
      sim.initVelocities(600, 99);
      const vv = new VelocityVerlet(sim, { dt: 0.001 });
      const totals: number[] = [];
      for (let s = 0; s < 400; s++) {
        vv.step(s % 20 === 0);
        if (s % 20 === 0) totals.push(sim.result.energy + sim.kineticEnergy());
      }
      return totals;
    };
    const serial = run(1);
    const parallel = run(2);
    const drift = (e: number[]): number => Math.max(...e.map((v) => Math.abs(v - e[0]!))) / sys.n;
    expect(drift(serial)).toBeLessThan(1e-4);
    expect(drift(parallel)).toBeLessThan(1e-4);
    // Same trajectory up to round-off, which 400 steps cannot amplify to 1e-6 eV.
    for (let k = 0; k < serial.length; k++) expect(Math.abs(serial[k]! - parallel[k]!)).toBeLessThan(1e-6);
  });
});

describe("threaded trajectories", () => {
  /** Positions after `steps` NVE steps of an LJ liquid (melting fcc: many list rebuilds). */
  const trajectory = (threads: number, steps: number): Float64Array => {
    const sys = buildSupercell(prototypeCell("fcc", { a: Math.cbrt(4 / 0.8442), species: ["X"] }), {
      repeat: [6, 6, 6],
      masses: { X: 1 },
    });
    const sim = track(new Simulation(sys, ljSingle("X", 1, 1, 2.5, false, 1), { units: LJ_UNITS, skin: 0.3, threads }));
    sim.initVelocities(1.44, 87287);
    const vv = new VelocityVerlet(sim, { dt: 0.005 });
    for (let s = 0; s < steps; s++) vv.step();
    expect(sim.neighbors.builds).toBeGreaterThan(5);
    // Unwrapped, so that an atom wrapped on one run and not the other still compares.
    const x = new Float64Array(sim.system.positions);
    const h = sim.system.box.h;
    const img = sim.system.images;
    for (let i = 0; i < sim.system.n; i++)
      for (let d = 0; d < 3; d++)
        x[3 * i + d] = x[3 * i + d]! + img[3 * i]! * h[d]! + img[3 * i + 1]! * h[3 + d]! + img[3 * i + 2]! * h[6 + d]!;
    return x;
  };

  it("repeat bit for bit at a given thread count, and follow the serial run to 1e-9 σ over 200 steps", () => {
    const serial = trajectory(1, 200);
    const two = trajectory(2, 200);
    const twoAgain = trajectory(2, 200);
    const three = trajectory(3, 200);
    expect(Array.from(twoAgain)).toEqual(Array.from(two));
    // Only the pair sums' order differs (round-off, 1e-16 relative per step); 1 τ of
    // a liquid amplifies that by orders of magnitude, still far below 1e-9 σ.
    let worst2 = 0;
    let worst3 = 0;
    for (let k = 0; k < serial.length; k++) {
      worst2 = Math.max(worst2, Math.abs(two[k]! - serial[k]!));
      worst3 = Math.max(worst3, Math.abs(three[k]! - serial[k]!));
    }
    expect(worst2).toBeLessThan(1e-9);
    expect(worst3).toBeLessThan(1e-9);
  });
});

describe("parallel force field lifecycle", () => {
  it("dispose stops every worker and later calls fail clearly", async () => {
    const sim = new Simulation(perturbedCrystal(FCC_ORTHO, 0.1, 17), ljSingle("X", 1, 1, 2.5, false, 1), {
      units: LJ_UNITS,
      threads: 3,
    });
    sim.computeForces();
    const ff = sim.forceField as ParallelForceField;
    expect(ff.liveWorkers).toBe(2);
    await sim.dispose();
    expect(ff.liveWorkers).toBe(0);
    expect(() => sim.computeForces()).toThrow(/disposed/);
  });

  /** The field's worker threads (private: only a test kills one). */
  const workersOf = (sim: Simulation): readonly Worker[] =>
    (sim.forceField as unknown as { readonly workers: readonly Worker[] }).workers;

  it("a worker that died between steps makes the next step fail clearly", async () => {
    const sim = track(
      new Simulation(perturbedCrystal(FCC_ORTHO, 0.1, 20), ljSingle("X", 1, 1, 2.5, false, 1), {
        units: LJ_UNITS,
        threads: 2,
      }),
    );
    sim.computeForces();
    await workersOf(sim)[0]!.terminate();
    expect(() => sim.computeForces()).toThrow(/force worker 1 exited with code 1/);
    // And stays failed, saying why.
    expect(() => sim.computeForces()).toThrow(/failed: .*exited/);
  });

  it("rejects a thread count that is not a positive integer", () => {
    const sys = perturbedCrystal(FCC_ORTHO, 0, 18);
    for (const threads of [0, -1, 1.5]) {
      expect(() => new Simulation(sys, ljSingle("X", 1, 1, 2.5), { units: LJ_UNITS, threads })).toThrow(
        InvalidOptionError,
      );
    }
  });
});

describe("parallel neighbour search", () => {
  it("builds exactly the serial list, also when the list has to grow", () => {
    const pot = ljSingle("X", 1, 1, 2.5, false, 1);
    for (const triclinic of [false, true]) {
      const sys = perturbedCrystal({ ...FCC_ORTHO, triclinic }, 0.1, 19);
      const serial = new Simulation(sys.clone(), pot, { units: LJ_UNITS });
      const parallel = track(new Simulation(sys.clone(), pot, { units: LJ_UNITS, threads: 3 }));
      // Far too small: every thread's region overflows on the first search.
      parallel.neighbors.list = new Int32Array(new SharedArrayBuffer(4 * 30));
      serial.computeForces();
      parallel.computeForces();
      const a = serial.neighbors;
      const b = parallel.neighbors;
      expect(b.nTotal).toBe(a.nTotal);
      expect(b.start[a.nLocal]).toBe(a.start[a.nLocal]);
      expect(Array.from(b.start.subarray(0, a.nLocal + 1))).toEqual(Array.from(a.start.subarray(0, a.nLocal + 1)));
      const pairs = a.start[a.nLocal]!;
      expect(Array.from(b.list.subarray(0, pairs))).toEqual(Array.from(a.list.subarray(0, pairs)));
    }
  });
});
