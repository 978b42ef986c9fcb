/**
 * Melting temperature by solid–liquid coexistence (Morris et al., PRB 49, 3109
 * (1994)), temperatures in K.
 *
 * 1. A supercell elongated along c is equilibrated as a solid at the guess T
 *    (Langevin + Berendsen, P = 0).
 * 2. The half with fractional c ≥ ½ is frozen while the other half is melted at
 *    `meltFactor`·T and brought back to T, giving two solid–liquid interfaces.
 * 3. The whole cell then runs at constant enthalpy (velocity Verlet + Berendsen
 *    barostat, P = 0). Latent heat moves the temperature to the melting point while
 *    both phases survive. Tm is the mean T over the second half of this stage, its
 *    uncertainty the standard error of five block means.
 * 4. Coexistence is checked at the end from the per-atom Lindemann index
 *    (trajectory.compute.ts) over the last quarter: the solid fraction must lie in
 *    (0.05, 0.95). If one phase took over, the guess was too far off: the run is
 *    repeated from the mean of the final temperatures so far, up to `maxAttempts`
 *    times. Small cross-sections (< 5 cells) make a thin slab vanish easily. A result without
 *    coexistence is returned with `coexistence: false` and must not be used as Tm.
 * During melting and cooling the cell may relax along c (Berendsen, P = 0), so the
 * liquid is not held at the solid's density (where its high pressure would make it
 * recrystallise at once).
 */
import { throwIfAborted, type RunControl } from "../core/run-control";
import { Random } from "../core/random";
import { Simulation } from "../core/simulation";
import { BerendsenBarostat } from "../dynamics/berendsen.barostat";
import { LangevinThermostat } from "../dynamics/thermostats";
import { VelocityVerlet } from "../dynamics/velocity-verlet.integrator";
import { LindemannTracker } from "../computes/trajectory.compute";
import { NeighborList } from "../neighbor/neighbor-list";
import type { Potential } from "../potentials/potential";
import { crystalFromSpec, relaxCrystal, type CrystalSpec } from "./crystal.protocol";
import { provenance, type Provenance } from "./provenance";
import { blockMeans, mean, standardError } from "./statistics";

export interface MeltingOptions extends RunControl {
  readonly temperatureGuessK: number;
  readonly seed: number;
  readonly dt?: number;
  readonly equilibrationSteps?: number;
  readonly meltSteps?: number;
  readonly coexistenceSteps?: number;
  /** Liquid half is melted at this multiple of the guess (default 2). */
  readonly meltFactor?: number;
  /** Per-atom Lindemann index above which an atom counts as liquid-like. */
  readonly lindemannThreshold?: number;
  readonly maxAttempts?: number;
  /** Force threads for the coexistence run (default 1); see SimulationOptions.threads. */
  readonly threads?: number;
}

export interface MeltingResult {
  readonly method: "solid-liquid coexistence";
  readonly meltingTemperatureK: number;
  readonly uncertaintyK: number;
  readonly coexistence: boolean;
  readonly solidFraction: number;
  readonly pressureBar: number;
  readonly atoms: number;
  readonly temperatureSeriesK: number[];
  /** Guesses tried, in order. */
  readonly guessesK: number[];
  readonly provenance: Provenance;
}

export function meltingTemperatureCoexistence(
  spec: CrystalSpec,
  potential: Potential,
  options: MeltingOptions,
): MeltingResult {
  const attempts = options.maxAttempts ?? 3;
  const rng = new Random(options.seed);
  const guesses: number[] = [];
  const endTemperatures: number[] = [];
  let guess = options.temperatureGuessK;
  let result: MeltingResult | undefined;
  for (let a = 0; a < attempts; a++) {
    guesses.push(guess);
    result = coexistenceAttempt(
      spec,
      potential,
      { ...options, temperatureGuessK: guess, seed: rng.nextSeed() },
      guesses,
      a,
      attempts,
    );
    if (result.coexistence) break;
    // Latent heat drags each run's temperature towards Tm before one phase runs
    // out, so the final temperatures are estimates of Tm; start the next try there.
    endTemperatures.push(result.meltingTemperatureK);
    guess = mean(endTemperatures);
  }
  return {
    ...result!,
    provenance: provenance("melting-coexistence", potential, { ...result!.provenance.parameters, seed: options.seed }),
  };
}

function coexistenceAttempt(
  spec: CrystalSpec,
  potential: Potential,
  options: MeltingOptions,
  guesses: number[],
  attempt: number,
  attempts: number,
): MeltingResult {
  const dt = options.dt ?? 0.002;
  const eqSteps = options.equilibrationSteps ?? 4000;
  const meltSteps = options.meltSteps ?? 4000;
  const coexSteps = options.coexistenceSteps ?? 20_000;
  const T0 = options.temperatureGuessK;
  const threshold = options.lindemannThreshold ?? 0.25;
  const rng = new Random(options.seed);
  const total = eqSteps + 2 * meltSteps + coexSteps;
  let done = 0;
  const tick = (sim: Simulation, stage: string, s: number): void => {
    if (s % 250 === 0) {
      throwIfAborted(options.signal);
      options.onProgress?.({
        stage: `${stage} (attempt ${attempt + 1}/${attempts}, guess ${T0.toFixed(0)} K)`,
        fraction: (attempt + done / total) / attempts,
        step: s,
        temperatureK: sim.temperature(),
      });
    }
    done++;
  };

  const unit = relaxCrystal(
    crystalFromSpec({ ...spec, repeat: [1, 1, 1] }, potential),
    potential,
    options.signal ? { signal: options.signal } : {},
  );
  const u = unit.simulation.system;
  const structure = {
    lattice: [0, 1, 2].map((k) => Array.from(u.box.h.subarray(3 * k, 3 * k + 3))),
    fractional: Array.from({ length: u.n }, (_, i) => {
      const s = [0, 0, 0];
      u.box.toFractional(u.positions[3 * i]!, u.positions[3 * i + 1]!, u.positions[3 * i + 2]!, s);
      return s;
    }),
    species: Array.from({ length: u.n }, (_, i) => u.species(i)),
  };
  const repeat = spec.repeat ?? [6, 6, 16];
  const system = crystalFromSpec({ structure, repeat }, potential);
  const sim = new Simulation(system, potential, { skin: 1.0, threads: options.threads });
  try {
    const n = system.n;
    const nn = nearestNeighbourDistance(system);

    // 1. Solid at T0, P = 0.
    sim.initVelocities(T0, rng.nextSeed());
    const baro = new BerendsenBarostat(0, 1.0, 1e-6, "aniso");
    let md = new VelocityVerlet(sim, {
      dt,
      thermostat: new LangevinThermostat(T0, 0.1, rng.nextSeed()),
      barostat: baro,
    });
    for (let s = 0; s < eqSteps; s++) {
      md.step();
      tick(sim, "equilibrate solid", s);
    }

    // 2. Melt the lower half with the upper half frozen, then cool it back to T0.
    const liquid = new Uint8Array(n);
    const frozen = new Uint8Array(n);
    const frac = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      system.box.toFractional(
        system.positions[3 * i]!,
        system.positions[3 * i + 1]!,
        system.positions[3 * i + 2]!,
        frac,
      );
      const c = frac[2]! - Math.floor(frac[2]!);
      if (c < 0.5) liquid[i] = 1;
      else frozen[i] = 1;
    }
    const savedV = Float64Array.from(system.velocities);
    sim.frozen = frozen;
    for (let i = 0; i < n; i++)
      if (frozen[i]) system.velocities[3 * i] = system.velocities[3 * i + 1] = system.velocities[3 * i + 2] = 0;
    const hot = new LangevinThermostat(T0 * (options.meltFactor ?? 2), 0.05, rng.nextSeed(), liquid);
    md = new VelocityVerlet(sim, {
      dt,
      thermostat: hot,
      barostat: new BerendsenBarostat(0, 0.5, 1e-6, "aniso", [false, false, true]),
    });
    for (let s = 0; s < meltSteps; s++) {
      md.step();
      tick(sim, "melt half", s);
    }
    hot.temperatureK = T0;
    for (let s = 0; s < meltSteps; s++) {
      md.step();
      tick(sim, "cool liquid", s);
    }
    sim.frozen = null;
    for (let i = 0; i < n; i++) {
      if (frozen[i]) for (let d = 0; d < 3; d++) system.velocities[3 * i + d] = savedV[3 * i + d]!;
    }
    sim.zeroMomentum();

    // 3. NPH coexistence.
    md = new VelocityVerlet(sim, { dt, barostat: new BerendsenBarostat(0, 2.0, 1e-6, "aniso") });
    const temps: number[] = [];
    const pressures: number[] = [];
    const lindemann = new LindemannTracker(n, nn);
    for (let s = 0; s < coexSteps; s++) {
      md.step();
      tick(sim, "coexistence (NPH)", s);
      if (s >= coexSteps / 2 && s % 10 === 0) {
        temps.push(sim.temperature());
        pressures.push(sim.pressure());
      }
      if (s >= (3 * coexSteps) / 4 && s % 20 === 0) lindemann.add(system);
    }
    const per = lindemann.perAtom();
    let solid = 0;
    for (let i = 0; i < n; i++) if (per[i]! < threshold) solid++;
    const solidFraction = solid / n;
    const blocks = blockMeans(temps, 5);
    return {
      method: "solid-liquid coexistence",
      meltingTemperatureK: mean(temps),
      uncertaintyK: standardError(blocks),
      coexistence: solidFraction > 0.05 && solidFraction < 0.95,
      solidFraction,
      pressureBar: mean(pressures),
      atoms: n,
      temperatureSeriesK: blocks,
      guessesK: [...guesses],
      provenance: provenance("melting-coexistence", potential, {
        ...spec,
        structure: spec.structure ? "given" : undefined,
        repeat,
        temperatureGuessK: T0,
        dt,
        equilibrationSteps: eqSteps,
        meltSteps,
        coexistenceSteps: coexSteps,
        meltFactor: options.meltFactor ?? 2,
        lindemannThreshold: threshold,
        seed: options.seed,
      }),
    };
  } finally {
    // Worker threads, if any; nothing to await in this synchronous protocol.
    void sim.dispose();
  }
}

/** Shortest interatomic distance in the (perfect) crystal, Å. */
function nearestNeighbourDistance(system: Simulation["system"]): number {
  const s = system.clone();
  const nl = new NeighborList(4, 0);
  nl.build(s);
  let best = Infinity;
  for (let i = 0; i < s.n; i++)
    for (let q = nl.start[i]!; q < nl.start[i + 1]!; q++) {
      const k = nl.list[q]!;
      const d = Math.hypot(
        nl.extPos[3 * i]! - nl.extPos[3 * k]!,
        nl.extPos[3 * i + 1]! - nl.extPos[3 * k + 1]!,
        nl.extPos[3 * i + 2]! - nl.extPos[3 * k + 2]!,
      );
      if (d < best) best = d;
    }
  return best;
}
