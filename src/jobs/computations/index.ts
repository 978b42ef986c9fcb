import type { Computation } from "./computation";
import { femCantileverComputation } from "./fem-cantilever.computation";
import { femHeatComputation } from "./fem-heat.computation";
import { mdElasticComputation } from "./md-elastic.computation";

/** Every computation a job can run, by kind. */
export const COMPUTATIONS: Readonly<Record<string, Computation>> = Object.fromEntries(
  [mdElasticComputation, femCantileverComputation, femHeatComputation].map((c) => [c.kind, c]),
);
