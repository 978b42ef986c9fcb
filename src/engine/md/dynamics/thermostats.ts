/**
 * Thermostats for velocity-Verlet dynamics (temperatures in K, times in ps).
 *
 * Langevin: the "O" step of BAOAB (Leimkuhler & Matthews, AMRX 2013), an exact
 * Ornstein–Uhlenbeck update v ← c1 v + √((1−c1²) kT/m) ξ with c1 = exp(−dt/τ); it
 * samples the canonical distribution with O(dt²) configurational error.
 *
 * Nosé–Hoover chain: Martyna, Klein & Tuckerman, JCP 97, 2635 (1992), integrated by
 * the Trotter splitting of Martyna et al., Mol. Phys. 87, 1117 (1996); masses
 * Q1 = N_f kT τ², Q_k = kT τ².
 */
import { Random } from "../core/random";
import type { Simulation } from "../core/simulation";

export class LangevinThermostat {
  readonly kind = "langevin";
  private readonly rng: Random;

  constructor(
    public temperatureK: number,
    /** Damping time (ps). */
    readonly dampingPs: number,
    seed: number,
    /** Apply only to atoms with group[i] = 1 (all when null). */
    public group: Uint8Array | null = null,
  ) {
    this.rng = new Random(seed);
  }

  /** Ornstein–Uhlenbeck update over dt. */
  apply(sim: Simulation, dt: number): void {
    const c1 = Math.exp(-dt / this.dampingPs);
    const c2 = Math.sqrt(1 - c1 * c1);
    const kT = sim.units.boltz * this.temperatureK;
    const v = sim.system.velocities;
    const m = sim.masses;
    const frozen = sim.frozen;
    for (let i = 0; i < sim.system.n; i++) {
      if (frozen?.[i] || (this.group && !this.group[i])) continue;
      const s = c2 * Math.sqrt(kT / (m[i]! * sim.units.mvv2e));
      v[3 * i] = c1 * v[3 * i]! + s * this.rng.normal();
      v[3 * i + 1] = c1 * v[3 * i + 1]! + s * this.rng.normal();
      v[3 * i + 2] = c1 * v[3 * i + 2]! + s * this.rng.normal();
    }
  }
}

export class NoseHooverChain {
  readonly kind = "nose-hoover-chain";
  readonly xi: Float64Array;
  readonly vxi: Float64Array;

  constructor(
    public temperatureK: number,
    /** Thermostat period τ (ps). */
    readonly dampingPs: number,
    readonly chainLength = 3,
  ) {
    this.xi = new Float64Array(chainLength);
    this.vxi = new Float64Array(chainLength);
  }

  private masses(sim: Simulation): Float64Array {
    const kT = sim.units.boltz * this.temperatureK;
    const q = new Float64Array(this.chainLength).fill(kT * this.dampingPs ** 2);
    q[0] = sim.degreesOfFreedom() * kT * this.dampingPs ** 2;
    return q;
  }

  /** Propagate the chain and rescale velocities over dt/2. */
  halfStep(sim: Simulation, dt: number): void {
    const M = this.chainLength;
    const kT = sim.units.boltz * this.temperatureK;
    const nf = sim.degreesOfFreedom();
    const Q = this.masses(sim);
    const vxi = this.vxi;
    const dt2 = dt / 2;
    const dt4 = dt / 4;
    const dt8 = dt / 8;
    let ke2 = 2 * sim.kineticEnergy();
    const G = (k: number): number => (k === 0 ? (ke2 - nf * kT) / Q[0]! : (Q[k - 1]! * vxi[k - 1]! ** 2 - kT) / Q[k]!);
    vxi[M - 1] = vxi[M - 1]! + G(M - 1) * dt4;
    for (let k = M - 2; k >= 0; k--) {
      const e = Math.exp(-vxi[k + 1]! * dt8);
      vxi[k] = (vxi[k]! * e + G(k) * dt4) * e;
    }
    const scale = Math.exp(-vxi[0]! * dt2);
    const v = sim.system.velocities;
    for (let k = 0; k < v.length; k++) v[k] = v[k]! * scale;
    ke2 *= scale * scale;
    for (let k = 0; k < M; k++) this.xi[k] = this.xi[k]! + vxi[k]! * dt2;
    for (let k = 0; k < M - 1; k++) {
      const e = Math.exp(-vxi[k + 1]! * dt8);
      vxi[k] = (vxi[k]! * e + G(k) * dt4) * e;
    }
    vxi[M - 1] = vxi[M - 1]! + G(M - 1) * dt4;
  }

  /** Energy of the chain, so that E_total + this is conserved. */
  energy(sim: Simulation): number {
    const kT = sim.units.boltz * this.temperatureK;
    const Q = this.masses(sim);
    let e = sim.degreesOfFreedom() * kT * this.xi[0]!;
    for (let k = 0; k < this.chainLength; k++) {
      e += 0.5 * Q[k]! * this.vxi[k]! ** 2;
      if (k > 0) e += kT * this.xi[k]!;
    }
    return e;
  }
}

export type Thermostat = LangevinThermostat | NoseHooverChain;
