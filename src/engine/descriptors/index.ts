import type { DescriptorSetInfo } from "./descriptor-set";
import { MagpieFeaturizer } from "./magpie.featurizer";
import { MesoscaleFeaturizer } from "./mesoscale.featurizer";
import { SimulationFeaturizer } from "./simulation.featurizer";
import { StructureFeaturizer } from "./structure.featurizer";
import { ThermoFeaturizer } from "./thermo.featurizer";

export * from "./descriptor-set";
export * from "./elemental-properties.table";
export * from "./magpie.featurizer";
export * from "./mesoscale.featurizer";
export * from "./simulation.featurizer";
export * from "./structure.featurizer";
export * from "./thermo.featurizer";
export * from "./unit-group.normaliser";

/** Descriptor sets by name; models record the name and version they were trained on. */
export const DESCRIPTOR_SETS = {
  "magpie-composition": () => new MagpieFeaturizer(),
  structure: () => new StructureFeaturizer(),
  simulation: () => new SimulationFeaturizer(),
  mesoscale: () => new MesoscaleFeaturizer(),
  "thermo-ratios": () => new ThermoFeaturizer(),
} as const satisfies Record<string, () => { info: DescriptorSetInfo }>;

export type DescriptorSetName = keyof typeof DESCRIPTOR_SETS;
