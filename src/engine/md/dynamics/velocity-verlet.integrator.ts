/**
 * Velocity-Verlet time stepping (Swope et al., JCP 76, 637 (1982)) with optional
 * thermostat (Langevin as BAOAB, or Nosé–Hoover chain by Trotter splitting) and
 * optional Berendsen barostat. dt in ps (metal) or τ (lj).
 */
import type { Simulation } from "../core/simulation";
import type { BerendsenBarostat } from "./berendsen.barostat";
import type { Thermostat } from "./thermostats";

export interface DynamicsOptions {
  readonly dt: number;
  readonly thermostat?: Thermostat;
  readonly barostat?: BerendsenBarostat;
}

export class VelocityVerlet {
  readonly dt: number;
  readonly thermostat: Thermostat | undefined;
  readonly barostat: BerendsenBarostat | undefined;
  private initialized = false;

  constructor(
    readonly sim: Simulation,
    options: DynamicsOptions,
  ) {
    this.dt = options.dt;
    this.thermostat = options.thermostat;
    this.barostat = options.barostat;
  }

  private get flags(): { energy: boolean; virial: boolean } {
    return { energy: false, virial: this.barostat !== undefined };
  }

  /** One step; `energyNeeded` asks for the potential energy on this step's force call. */
  step(energyNeeded = false): void {
    const sim = this.sim;
    if (!this.initialized) {
      sim.computeForces({ ...this.flags, energy: true });
      this.initialized = true;
    }
    const dt = this.dt;
    const n = sim.system.n;
    const x = sim.system.positions;
    const v = sim.system.velocities;
    const f = sim.system.forces;
    const m = sim.masses;
    const halfDtFtm2v = 0.5 * dt * sim.units.ftm2v;
    const frozen = sim.frozen;
    const th = this.thermostat;

    if (th?.kind === "nose-hoover-chain") th.halfStep(sim, dt);
    if (th?.kind === "langevin") {
      kick(v, f, m, frozen, n, halfDtFtm2v);
      this.drift(0.5 * dt);
      th.apply(sim, dt);
      this.drift(0.5 * dt);
    } else {
      // One pass instead of two (the same arithmetic): this runs on one thread
      // while force worker threads wait.
      kickDrift(x, v, f, m, frozen, n, halfDtFtm2v, dt);
    }
    sim.computeForces({ ...this.flags, energy: energyNeeded });
    kick(v, f, m, frozen, n, halfDtFtm2v);
    if (th?.kind === "nose-hoover-chain") th.halfStep(sim, dt);
    if (this.barostat) this.barostat.apply(sim, dt);
    sim.step++;
  }

  private drift(h: number): void {
    const sim = this.sim;
    const x = sim.system.positions;
    const v = sim.system.velocities;
    const frozen = sim.frozen;
    if (!frozen) {
      for (let k = 0, n3 = x.length; k < n3; k++) x[k] = x[k]! + h * v[k]!;
      return;
    }
    for (let i = 0; i < sim.system.n; i++) {
      if (frozen[i]) continue;
      x[3 * i] = x[3 * i]! + h * v[3 * i]!;
      x[3 * i + 1] = x[3 * i + 1]! + h * v[3 * i + 1]!;
      x[3 * i + 2] = x[3 * i + 2]! + h * v[3 * i + 2]!;
    }
  }
}

/** v += (½ dt ftm2v / m) f for every mobile atom. */
function kick(
  v: Float64Array,
  f: Float64Array,
  m: Float64Array,
  frozen: Uint8Array | null,
  n: number,
  halfDtFtm2v: number,
): void {
  for (let i = 0; i < n; i++) {
    if (frozen !== null && frozen[i]) continue;
    const c = halfDtFtm2v / m[i]!;
    const i3 = 3 * i;
    v[i3] = v[i3]! + c * f[i3]!;
    v[i3 + 1] = v[i3 + 1]! + c * f[i3 + 1]!;
    v[i3 + 2] = v[i3 + 2]! + c * f[i3 + 2]!;
  }
}

/** kick, then x += dt v, atom by atom (each atom's drift uses only its own kicked velocity). */
function kickDrift(
  x: Float64Array,
  v: Float64Array,
  f: Float64Array,
  m: Float64Array,
  frozen: Uint8Array | null,
  n: number,
  halfDtFtm2v: number,
  dt: number,
): void {
  for (let i = 0; i < n; i++) {
    if (frozen !== null && frozen[i]) continue;
    const c = halfDtFtm2v / m[i]!;
    const i3 = 3 * i;
    const vx = v[i3]! + c * f[i3]!;
    const vy = v[i3 + 1]! + c * f[i3 + 1]!;
    const vz = v[i3 + 2]! + c * f[i3 + 2]!;
    v[i3] = vx;
    v[i3 + 1] = vy;
    v[i3 + 2] = vz;
    x[i3] = x[i3]! + dt * vx;
    x[i3 + 1] = x[i3 + 1]! + dt * vy;
    x[i3 + 2] = x[i3 + 2]! + dt * vz;
  }
}
