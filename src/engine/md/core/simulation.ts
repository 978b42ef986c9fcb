/**
 * A system bound to a potential and a neighbour list: the object every integrator,
 * minimiser and compute works on. Units from the chosen UnitSystem (metal by
 * default: eV, Å, ps, g/mol, K, bar).
 */
import { NeighborList } from "../neighbor/neighbor-list";
import { ParallelForceField } from "../parallel/parallel-force-field";
import { ForceResult, type ComputeFlags, type ForceField, type Potential } from "../potentials/potential";
import { InvalidOptionError } from "./errors";
import { Random } from "./random";
import type { AtomSystem } from "./system";
import { METAL_UNITS, type UnitSystem } from "./units";

export interface SimulationOptions {
  /** Neighbour skin (default 1.0 Å metal, 0.3 σ lj). */
  readonly skin?: number;
  readonly units?: UnitSystem;
  /**
   * Threads for the force computation (default 1): the calling thread plus
   * threads − 1 workers. With more than one, call dispose() when done.
   */
  readonly threads?: number;
}

export class Simulation {
  readonly forceField: ForceField;
  readonly neighbors: NeighborList;
  readonly units: UnitSystem;
  readonly result = new ForceResult();
  readonly masses: Float64Array;
  /** Atoms that neither move nor count as degrees of freedom (1 = frozen). */
  frozen: Uint8Array | null = null;
  step = 0;
  /** Did the last force call include energy / virial? */
  private lastFlags: ComputeFlags = {};

  constructor(
    readonly system: AtomSystem,
    readonly potential: Potential,
    options: SimulationOptions = {},
  ) {
    this.units = options.units ?? METAL_UNITS;
    const threads = options.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 1) {
      throw new InvalidOptionError(`threads must be a positive integer, got ${threads}`);
    }
    const serial = potential.bind(system.typeNames);
    this.forceField = threads > 1 ? new ParallelForceField(serial, threads) : serial;
    const skin = options.skin ?? (this.units.name === "lj" ? 0.3 : 1.0);
    this.neighbors = new NeighborList(this.forceField.cutoff, skin, { shared: threads > 1 });
    if (this.forceField instanceof ParallelForceField) this.neighbors.pairSearch = this.forceField;
    // Masses from the potential file win over standard weights, as in LAMMPS.
    for (let t = 0; t < system.ntypes; t++) {
      const m = potential.masses[system.typeNames[t]!];
      if (m !== undefined) system.typeMasses[t] = m;
    }
    this.masses = system.massArray();
  }

  /** Forces (always) plus whatever flags ask for; returns the shared result object. */
  computeForces(flags: ComputeFlags = {}): ForceResult {
    this.neighbors.update(this.system);
    this.forceField.compute(this.system, this.neighbors, flags, this.result);
    if (this.frozen) {
      const f = this.system.forces;
      for (let i = 0; i < this.system.n; i++) if (this.frozen[i]) f[3 * i] = f[3 * i + 1] = f[3 * i + 2] = 0;
    }
    this.lastFlags = flags;
    return this.result;
  }

  /** Stop force worker threads, if any; the simulation cannot compute forces afterwards. */
  async dispose(): Promise<void> {
    await this.forceField.dispose?.();
  }

  /** Bytes held by the engine's typed arrays for this simulation. */
  memoryBytes(): number {
    const sys = this.system;
    const own = [sys.positions, sys.velocities, sys.forces, sys.types, sys.images, this.masses].reduce(
      (s, a) => s + a.byteLength,
      0,
    );
    return own + this.neighbors.memoryBytes() + this.forceField.memoryBytes();
  }

  /** Potential energy of the current configuration (recomputes). */
  potentialEnergy(): number {
    return this.computeForces({ energy: true, virial: true }).energy;
  }

  get lastComputeHadVirial(): boolean {
    return this.lastFlags.virial === true || this.lastFlags.perAtom === true;
  }

  degreesOfFreedom(): number {
    let mobile = this.system.n;
    if (this.frozen) for (let i = 0; i < this.system.n; i++) if (this.frozen[i]) mobile--;
    return Math.max(1, 3 * mobile - 3);
  }

  kineticEnergy(): number {
    const v = this.system.velocities;
    const m = this.masses;
    let s = 0;
    for (let i = 0; i < this.system.n; i++) {
      const a = v[3 * i]!,
        b = v[3 * i + 1]!,
        c = v[3 * i + 2]!;
      s += m[i]! * (a * a + b * b + c * c);
    }
    return 0.5 * s * this.units.mvv2e;
  }

  temperature(): number {
    return (2 * this.kineticEnergy()) / (this.degreesOfFreedom() * this.units.boltz);
  }

  /**
   * Pressure tensor (xx, yy, zz, xy, xz, yz) in the unit system's pressure unit
   * (bar for metal), kinetic + virial, positive = compressive. Uses the virial of
   * the last force call, which must have requested it.
   */
  pressureTensor(out = new Float64Array(6)): Float64Array {
    if (!this.lastComputeHadVirial) this.computeForces({ energy: true, virial: true });
    const v = this.system.velocities;
    const m = this.masses;
    const k = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < this.system.n; i++) {
      const a = v[3 * i]!,
        b = v[3 * i + 1]!,
        c = v[3 * i + 2]!,
        mi = m[i]!;
      k[0] = k[0]! + mi * a * a;
      k[1] = k[1]! + mi * b * b;
      k[2] = k[2]! + mi * c * c;
      k[3] = k[3]! + mi * a * b;
      k[4] = k[4]! + mi * a * c;
      k[5] = k[5]! + mi * b * c;
    }
    const scale = this.units.nktv2p / this.system.box.volume;
    for (let d = 0; d < 6; d++) out[d] = (k[d]! * this.units.mvv2e + this.result.virial[d]!) * scale;
    return out;
  }

  pressure(): number {
    const p = this.pressureTensor();
    return (p[0]! + p[1]! + p[2]!) / 3;
  }

  /** Gaussian velocities at temperatureK, zero total momentum, scaled exactly to temperatureK. */
  initVelocities(temperatureK: number, seed: number): void {
    const rng = new Random(seed);
    const v = this.system.velocities;
    const m = this.masses;
    const n = this.system.n;
    for (let i = 0; i < n; i++) {
      const s = Math.sqrt((this.units.boltz * temperatureK) / (m[i]! * this.units.mvv2e));
      for (let d = 0; d < 3; d++) v[3 * i + d] = this.frozen?.[i] ? 0 : s * rng.normal();
    }
    this.zeroMomentum();
    const t = this.temperature();
    if (t > 0) {
      const f = Math.sqrt(temperatureK / t);
      for (let k = 0; k < 3 * n; k++) v[k] = v[k]! * f;
    }
  }

  zeroMomentum(): void {
    const v = this.system.velocities;
    const m = this.masses;
    const p = [0, 0, 0];
    let mt = 0;
    for (let i = 0; i < this.system.n; i++) {
      if (this.frozen?.[i]) continue;
      mt += m[i]!;
      for (let d = 0; d < 3; d++) p[d] = p[d]! + m[i]! * v[3 * i + d]!;
    }
    if (mt === 0) return;
    for (let i = 0; i < this.system.n; i++) {
      if (this.frozen?.[i]) continue;
      for (let d = 0; d < 3; d++) v[3 * i + d] = v[3 * i + d]! - p[d]! / mt;
    }
  }
}
