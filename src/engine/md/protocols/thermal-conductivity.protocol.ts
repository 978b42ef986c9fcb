/**
 * Lattice thermal conductivity by Green–Kubo (W/m/K):
 *   κ = 1/(3 V k_B T²) ∫₀^τ ⟨J(0)·J(t)⟩ dt
 * with J·V the microscopic heat flux times volume (heat-flux.compute.ts), the
 * autocorrelation averaged over time origins, integrated by the trapezoidal rule up
 * to the correlation time τ. Each of `runs` independent trajectories (different
 * velocity seeds) gives one κ; the result is their mean and standard error.
 * Protocol: Langevin NVT equilibration at T, then NVE production (the flux must come
 * from Hamiltonian dynamics). Only the phonon (classical, atomic) contribution;
 * electrons are not in an EAM model. Reference for the method: Schelling, Phillpot
 * & Keblinski, PRB 65, 144306 (2002).
 */
import { throwIfAborted, type RunControl } from "../core/run-control";
import { Random } from "../core/random";
import { Simulation } from "../core/simulation";
import { EV_PER_A_PS_K_TO_W_PER_M_K } from "../core/units";
import { heatFluxTimesVolume } from "../computes/heat-flux.compute";
import { LangevinThermostat } from "../dynamics/thermostats";
import { VelocityVerlet } from "../dynamics/velocity-verlet.integrator";
import type { Potential } from "../potentials/potential";
import { crystalFromSpec, relaxCrystal, type CrystalSpec } from "./crystal.protocol";
import { provenance, type Provenance } from "./provenance";
import { mean, standardError } from "./statistics";

export interface GreenKuboOptions extends RunControl {
  readonly temperatureK: number;
  /** Time step (ps), default 0.001. */
  readonly dt?: number;
  readonly equilibrationSteps?: number;
  readonly productionSteps?: number;
  /** Flux sampled every this many steps. */
  readonly sampleEvery?: number;
  /** Correlation window (ps). */
  readonly correlationTimePs?: number;
  readonly runs?: number;
  readonly seed: number;
  /** Force threads per run (default 1); see SimulationOptions.threads. */
  readonly threads?: number;
}

export interface ThermalConductivityResult {
  readonly method: "green-kubo";
  readonly thermalConductivityWPerMK: number;
  readonly uncertaintyWPerMK: number;
  readonly perRunWPerMK: number[];
  readonly temperatureK: number;
  /** Running integral of the last run (W/m/K) against correlation time (ps). */
  readonly runningIntegral: { readonly timePs: number[]; readonly kappa: number[] };
  readonly provenance: Provenance;
}

export function thermalConductivityGreenKubo(
  spec: CrystalSpec,
  potential: Potential,
  options: GreenKuboOptions,
): ThermalConductivityResult {
  const dt = options.dt ?? 0.001;
  const eq = options.equilibrationSteps ?? 5000;
  const prod = options.productionSteps ?? 50_000;
  const every = options.sampleEvery ?? 5;
  const tau = options.correlationTimePs ?? 5;
  const runs = options.runs ?? 3;
  const T = options.temperatureK;
  const lagMax = Math.max(2, Math.round(tau / (dt * every)));
  const seeds = new Random(options.seed);

  // Relax once at 0 K; then expand nothing (constant volume at the 0 K density,
  // stated in provenance) — thermal expansion of a few 0.1 % barely changes κ.
  const unit = relaxCrystal(
    crystalFromSpec({ ...spec, repeat: [1, 1, 1] }, potential),
    potential,
    options.signal ? { signal: options.signal } : {},
  );
  const lattice = [0, 1, 2].map((k) => Array.from(unit.simulation.system.box.h.subarray(3 * k, 3 * k + 3)));
  const u = unit.simulation.system;
  const structure = {
    lattice,
    fractional: Array.from({ length: u.n }, (_, i) => {
      const s = [0, 0, 0];
      u.box.toFractional(u.positions[3 * i]!, u.positions[3 * i + 1]!, u.positions[3 * i + 2]!, s);
      return s;
    }),
    species: Array.from({ length: u.n }, (_, i) => u.species(i)),
  };

  const perRun: number[] = [];
  let running: { timePs: number[]; kappa: number[] } = { timePs: [], kappa: [] };
  const totalSteps = runs * (eq + prod);
  let done = 0;
  for (let run = 0; run < runs; run++) {
    const system = crystalFromSpec({ structure, repeat: spec.repeat ?? [6, 6, 6] }, potential);
    const sim = new Simulation(system, potential, { skin: 1.0, threads: options.threads });
    try {
      sim.initVelocities(T, seeds.nextSeed());
      const nvt = new VelocityVerlet(sim, { dt, thermostat: new LangevinThermostat(T, 0.1, seeds.nextSeed()) });
      for (let s = 0; s < eq; s++) {
        if (s % 500 === 0) {
          throwIfAborted(options.signal);
          options.onProgress?.({
            stage: `equilibrate ${run + 1}/${runs}`,
            fraction: done / totalSteps,
            step: s,
            temperatureK: sim.temperature(),
          });
        }
        nvt.step();
        done++;
      }
      const nve = new VelocityVerlet(sim, { dt });
      const flux: number[] = [];
      const tSamples: number[] = [];
      const j = new Float64Array(3);
      for (let s = 0; s < prod; s++) {
        if (s % 500 === 0) {
          throwIfAborted(options.signal);
          options.onProgress?.({
            stage: `production ${run + 1}/${runs}`,
            fraction: done / totalSteps,
            step: s,
            temperatureK: sim.temperature(),
          });
        }
        nve.step();
        done++;
        if (s % every === 0) {
          heatFluxTimesVolume(sim, j);
          flux.push(j[0]!, j[1]!, j[2]!);
          tSamples.push(sim.temperature());
        }
      }
      const tMean = mean(tSamples);
      const { kappa, timePs } = integrateAutocorrelation(
        flux,
        lagMax,
        dt * every,
        system.box.volume,
        tMean,
        sim.units.boltz,
      );
      perRun.push(kappa[kappa.length - 1]!);
      running = { timePs, kappa };
    } finally {
      // Worker threads, if any; nothing to await in this synchronous protocol.
      void sim.dispose();
    }
  }
  return {
    method: "green-kubo",
    thermalConductivityWPerMK: mean(perRun),
    uncertaintyWPerMK: standardError(perRun),
    perRunWPerMK: perRun,
    temperatureK: T,
    runningIntegral: running,
    provenance: provenance("thermal-conductivity-green-kubo", potential, {
      ...spec,
      structure: spec.structure ? "given" : undefined,
      temperatureK: T,
      dt,
      equilibrationSteps: eq,
      productionSteps: prod,
      sampleEvery: every,
      correlationTimePs: tau,
      runs,
      seed: options.seed,
      volume: "0 K relaxed",
    }),
  };
}

/**
 * κ(τ) from a flux series (3 components per sample, eV·Å/ps), sample spacing Δt (ps),
 * volume (Å³), temperature (K) and k_B (eV/K).
 */
export function integrateAutocorrelation(
  flux: readonly number[],
  lagMax: number,
  sampleDtPs: number,
  volume: number,
  temperatureK: number,
  boltz: number,
): { timePs: number[]; kappa: number[] } {
  const ns = flux.length / 3;
  const lags = Math.min(lagMax, ns - 1);
  const acf = new Float64Array(lags + 1);
  for (let lag = 0; lag <= lags; lag++) {
    let s = 0;
    const count = ns - lag;
    for (let t = 0; t < count; t++) {
      s +=
        flux[3 * t]! * flux[3 * (t + lag)]! +
        flux[3 * t + 1]! * flux[3 * (t + lag) + 1]! +
        flux[3 * t + 2]! * flux[3 * (t + lag) + 2]!;
    }
    acf[lag] = s / count / 3;
  }
  const scale = (EV_PER_A_PS_K_TO_W_PER_M_K / (volume * boltz * temperatureK * temperatureK)) * sampleDtPs;
  const timePs: number[] = [0];
  const kappa: number[] = [0];
  let integral = 0;
  for (let lag = 1; lag <= lags; lag++) {
    integral += 0.5 * (acf[lag - 1]! + acf[lag]!);
    timePs.push(lag * sampleDtPs);
    kappa.push(integral * scale);
  }
  return { timePs, kappa };
}
