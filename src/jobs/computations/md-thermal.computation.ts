import { meltingTemperatureCoexistence } from "../../engine/md/protocols/melting.protocol";
import { thermalConductivityGreenKubo } from "../../engine/md/protocols/thermal-conductivity.protocol";
import { PropertyKey } from "../../domain/property-key";
import type { Computation, ComputationOutput, RunControl } from "./computation";
import { mdMethod, setUpMd } from "./md-input";

const progressOf = (control: RunControl) => ({
  onProgress: (p: { fraction: number; stage: string }) => control.onProgress?.(p.fraction, p.stage),
});

/**
 * Lattice thermal conductivity by Green–Kubo (heat-flux autocorrelation), with
 * the spread over independent runs as its uncertainty. EAM metals conduct mostly
 * by electrons, which classical MD leaves out: the stored value is the phonon part,
 * and its method label says MD.
 */
function runThermal(raw: Record<string, unknown>, control: RunControl): ComputationOutput {
  const { input, potential, spec } = setUpMd(raw);
  const temperatureK = input.temperatureK ?? 300;
  const productionSteps = input.steps ?? 20_000;
  const result = thermalConductivityGreenKubo(spec, potential, {
    temperatureK,
    productionSteps,
    equilibrationSteps: Math.min(5000, Math.ceil(productionSteps / 4)),
    seed: input.seed,
    ...progressOf(control),
  });
  return {
    summary: {
      thermalConductivityWPerMK: result.thermalConductivityWPerMK,
      uncertaintyWPerMK: result.uncertaintyWPerMK,
      perRunWPerMK: result.perRunWPerMK,
      temperatureK: result.temperatureK,
    },
    properties: [
      {
        key: PropertyKey.THERMAL_CONDUCTIVITY,
        value: result.thermalConductivityWPerMK,
        unit: "W/m/K",
        method: `${mdMethod(input)}:green-kubo`,
        temperatureK: result.temperatureK,
      },
    ],
    provenance: { ...result.provenance },
  };
}

/** Melting temperature by solid–liquid coexistence, with its uncertainty. */
function runMelting(raw: Record<string, unknown>, control: RunControl): ComputationOutput {
  const { input, potential, spec } = setUpMd(raw);
  const result = meltingTemperatureCoexistence(spec, potential, {
    temperatureGuessK: input.temperatureK ?? 1300,
    seed: input.seed,
    ...(input.steps ? { coexistenceSteps: input.steps } : {}),
    ...progressOf(control),
  });
  return {
    summary: {
      meltingTemperatureK: result.meltingTemperatureK,
      uncertaintyK: result.uncertaintyK,
      coexistence: result.coexistence,
      solidFraction: result.solidFraction,
      atoms: result.atoms,
      guessesK: result.guessesK,
    },
    properties: result.coexistence
      ? [
          {
            key: PropertyKey.MELTING_TEMPERATURE,
            value: result.meltingTemperatureK,
            unit: "K",
            method: `${mdMethod(input)}:coexistence`,
          },
        ]
      : [],
    provenance: { ...result.provenance },
  };
}

export const mdThermalConductivityComputation: Computation = { kind: "md.thermal-conductivity", run: runThermal };
export const mdMeltingComputation: Computation = { kind: "md.melting", run: runMelting };
