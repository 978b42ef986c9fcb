/**
 * Steady conduction through a cube (SI units) between a hot face (x = 0) and a
 * cold face (x = L), the other faces insulated: the effective conductivity
 * recovered from the heat flow must equal the material's.
 */
import type { SolidShapeName } from "../elements/shape.types";
import { thermalMaterial } from "../materials/thermal.material";
import type { Mesh } from "../mesh/mesh.types";
import { boxMesh } from "../mesh/structured.mesh";
import { effectiveConductivity, solveSteadyHeat, type HeatResult } from "../physics/heat.problem";
import type { SolverOptions } from "../physics/linear-solve";

export interface HeatCubeSpec {
  readonly edgeM: number;
  readonly cells: readonly [number, number, number];
  readonly shape: SolidShapeName;
  readonly conductivityWPerMK: number;
  readonly hotK: number;
  readonly coldK: number;
}

export interface HeatCubeResult {
  readonly mesh: Mesh;
  readonly result: HeatResult;
  readonly effectiveConductivityWPerMK: number;
  readonly heatFlowW: number;
  readonly maxHeatFluxWPerM2: number;
  readonly dofs: number;
  readonly iterations: number;
}

export function solveHeatCube(spec: HeatCubeSpec, options: SolverOptions = {}): HeatCubeResult {
  const L = spec.edgeM;
  const [nx, ny, nz] = spec.cells;
  const mesh = boxMesh({ lengthM: L, widthM: L, heightM: L, nx, ny, nz, shape: spec.shape });
  const result = solveSteadyHeat(
    {
      mesh,
      material: thermalMaterial({
        conductivityWPerMK: spec.conductivityWPerMK,
        densityKgM3: 0,
        heatCapacityJPerKgK: 0,
      }),
      fixedTemperatures: [
        { nodes: "xmin", temperatureK: spec.hotK },
        { nodes: "xmax", temperatureK: spec.coldK },
      ],
    },
    options,
  );
  const deltaT = spec.hotK - spec.coldK;
  const kEff = effectiveConductivity(result, mesh.nodeSets.get("xmin") as Int32Array, L * L, L, deltaT);
  return {
    mesh,
    result,
    effectiveConductivityWPerMK: kEff,
    heatFlowW: (kEff * L * L * deltaT) / L,
    maxHeatFluxWPerM2: result.summary.maxFluxWPerM2,
    dofs: result.provenance.dofs,
    iterations: result.provenance.solver.iterations,
  };
}
