/**
 * Dynamics checks: NVE energy conservation for EAM Cu (issue: drift < 1e-4 eV/atom over
 * 10k steps at 300 K, dt = 1 fs), Maxwell–Boltzmann velocities under Langevin, and the
 * conserved quantity of the Nosé–Hoover chain.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hasSharedData, sharedData, SKIP_REASON } from "../../../../tests/support/shared-data";
import { Simulation } from "../core/simulation";
import { LJ_UNITS } from "../core/units";
import { buildSupercell, prototypeCell } from "../lattice";
import { ljSingle, loadPotential } from "../potentials";
import { LangevinThermostat, NoseHooverChain } from "./thermostats";
import { VelocityVerlet } from "./velocity-verlet.integrator";

function cu(): Simulation {
  const pot = loadPotential(readFileSync(sharedData("potentials", "Cu_u3.eam"), "utf8"), "Cu_u3.eam");
  const sys = buildSupercell(prototypeCell("fcc", { a: 3.615, species: ["Cu"] }), { repeat: [4, 4, 4] });
  return new Simulation(sys, pot, { skin: 1.0 });
}

describe.skipIf(!hasSharedData)("EAM Cu dynamics" + SKIP_REASON, () => {
  it("NVE: total energy drift below 1e-4 eV/atom over 10k steps (256 atoms, ~300 K, 1 fs)", () => {
    const sim = cu();
    // Start at 600 K on perfect lattice sites: equipartition brings it to ~300 K.
    sim.initVelocities(600, 12345);
    const vv = new VelocityVerlet(sim, { dt: 0.001 });
    const n = sim.system.n;
    const total = (): number => sim.result.energy + sim.kineticEnergy();
    vv.step(true);
    const e0 = total();
    let maxDev = 0;
    let tSum = 0;
    let tCount = 0;
    for (let s = 1; s < 10_000; s++) {
      const sample = s % 100 === 0;
      vv.step(sample);
      if (sample) {
        maxDev = Math.max(maxDev, Math.abs(total() - e0) / n);
        if (s > 2000) {
          tSum += sim.temperature();
          tCount++;
        }
      }
    }
    vv.step(true);
    const drift = Math.abs(total() - e0) / n;
    expect(drift).toBeLessThan(1e-4);
    expect(maxDev).toBeLessThan(1e-4);
    const tMean = tSum / tCount;
    expect(tMean).toBeGreaterThan(250);
    expect(tMean).toBeLessThan(350);
  });

  it("Nosé–Hoover chain keeps its extended energy and the target temperature", () => {
    const sim = cu();
    sim.initVelocities(300, 99);
    const nhc = new NoseHooverChain(500, 0.05);
    const vv = new VelocityVerlet(sim, { dt: 0.001, thermostat: nhc });
    vv.step(true);
    const h0 = sim.result.energy + sim.kineticEnergy() + nhc.energy(sim);
    let tSum = 0;
    let count = 0;
    let maxDev = 0;
    for (let s = 1; s <= 4000; s++) {
      const sample = s % 20 === 0;
      vv.step(sample);
      if (sample) {
        maxDev = Math.max(
          maxDev,
          Math.abs(sim.result.energy + sim.kineticEnergy() + nhc.energy(sim) - h0) / sim.system.n,
        );
        if (s > 1500) {
          tSum += sim.temperature();
          count++;
        }
      }
    }
    expect(maxDev).toBeLessThan(2e-4);
    expect(Math.abs(tSum / count - 500)).toBeLessThan(40);
  });
});

describe("Langevin", () => {
  it("velocities follow Maxwell–Boltzmann at the set temperature (LJ fluid)", () => {
    const pot = ljSingle("X", 1, 1, 2.5, true, 1);
    const rho = 0.8442;
    const a = Math.cbrt(4 / rho);
    const sys = buildSupercell(prototypeCell("fcc", { a, species: ["X"] }), { repeat: [4, 4, 4], masses: { X: 1 } });
    const sim = new Simulation(sys, pot, { units: LJ_UNITS, skin: 0.3 });
    sim.initVelocities(1.44, 5);
    const T = 1.44;
    const vv = new VelocityVerlet(sim, { dt: 0.005, thermostat: new LangevinThermostat(T, 0.5, 77) });
    for (let s = 0; s < 1000; s++) vv.step();
    // Reduced velocity components u = v / sqrt(kT/m) should be N(0,1).
    let m2 = 0;
    let m4 = 0;
    let count = 0;
    let tSum = 0;
    for (let s = 0; s < 3000; s++) {
      vv.step();
      if (s % 10 === 0) {
        tSum += sim.temperature();
        for (let k = 0; k < 3 * sys.n; k++) {
          const u = sys.velocities[k]! / Math.sqrt(T);
          m2 += u * u;
          m4 += u ** 4;
          count++;
        }
      }
    }
    const variance = m2 / count;
    const kurtosis = m4 / count / (variance * variance);
    expect(Math.abs(tSum / 300 - T) / T).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    expect(Math.abs(kurtosis - 3)).toBeLessThan(0.1);
  });
});
