import type { Computation } from "./computation";
import { femCantileverComputation } from "./fem-cantilever.computation";
import { femHeatComputation } from "./fem-heat.computation";
import { femImpactComputation } from "./fem-impact.computation";
import { femPlateHoleComputation } from "./fem-plate-hole.computation";
import { mdElasticComputation } from "./md-elastic.computation";
import { microCompositeComputation } from "./micro-composite.computation";
import { microPolycrystalComputation } from "./micro-polycrystal.computation";
import { trainModelComputation } from "./train-model.computation";
import { transferComputation } from "./transfer.computation";
import { mdMeltingComputation, mdThermalConductivityComputation } from "./md-thermal.computation";

/** Every computation a job can run, by kind. */
export const COMPUTATIONS: Readonly<Record<string, Computation>> = Object.fromEntries(
  [
    mdElasticComputation,
    mdThermalConductivityComputation,
    mdMeltingComputation,
    femCantileverComputation,
    femPlateHoleComputation,
    femHeatComputation,
    femImpactComputation,
    microPolycrystalComputation,
    microCompositeComputation,
    trainModelComputation,
    transferComputation,
  ].map((c) => [c.kind, c]),
);
