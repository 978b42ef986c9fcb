import { solveHeatCube } from "../../engine/fem";
import { PropertyKey } from "../../domain/property-key";
import type { Computation, ComputationOutput, RunControl } from "./computation";
import { femInputOf } from "./fem-input";

/** Steady conduction through a cube of the material between 400 K and 300 K faces. */
function run(raw: Record<string, unknown>, control: RunControl): ComputationOutput {
  const input = femInputOf(raw);
  if (input.conductivityWPerMK == null) throw new Error("the job input has no conductivity");
  const shape = input.element === "hex20" ? "hex20" : "hex8";
  const solved = solveHeatCube(
    {
      edgeM: input.lengthM,
      cells: input.elements,
      shape,
      conductivityWPerMK: input.conductivityWPerMK,
      hotK: 400,
      coldK: 300,
    },
    { preconditioner: "amg", onProgress: (e) => control.onProgress?.(e.fraction ?? 0.5, e.stage) },
  );
  return {
    summary: {
      effectiveConductivityWPerMK: solved.effectiveConductivityWPerMK,
      heatFlowW: solved.heatFlowW,
      maxHeatFluxWPerM2: solved.maxHeatFluxWPerM2,
      dofs: solved.dofs,
      iterations: solved.iterations,
    },
    properties: [
      {
        key: PropertyKey.THERMAL_CONDUCTIVITY,
        value: solved.effectiveConductivityWPerMK,
        unit: "W/m/K",
        method: `FEM-${shape}:heat-cube`,
        temperatureK: 350,
      },
    ],
    provenance: { mesh: solved.result.provenance },
  };
}

export const femHeatComputation: Computation = { kind: "fem.heat", run };
