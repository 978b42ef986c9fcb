/**
 * MatGraph molecular-dynamics engine: pure computation (no I/O), metal units
 * (eV, Å, ps, g/mol, K, bar; elastic results in GPa, conductivity W/m/K).
 */
export { Box } from "./core/box";
export { AtomSystem } from "./core/system";
export { Simulation, type SimulationOptions } from "./core/simulation";
export { Random } from "./core/random";
export { METAL_UNITS, LJ_UNITS, type UnitSystem } from "./core/units";
export type { Progress, RunControl } from "./core/run-control";
export * from "./core/errors";
export * from "./lattice";
export { NeighborList, type PairSearchExecutor } from "./neighbor/neighbor-list";
export { ParallelForceField } from "./parallel/parallel-force-field";
export * from "./potentials";
export { VelocityVerlet, type DynamicsOptions } from "./dynamics/velocity-verlet.integrator";
export { LangevinThermostat, NoseHooverChain, type Thermostat } from "./dynamics/thermostats";
export { BerendsenBarostat } from "./dynamics/berendsen.barostat";
export { minimizeFire, type FireOptions, type FireResult, type CellRelaxation } from "./dynamics/fire.minimizer";
export { coordinationNumbers, meanCoordination, RdfAccumulator, stressInvariants } from "./computes/structure.compute";
export { MsdTracker, LindemannTracker } from "./computes/trajectory.compute";
export { heatFluxTimesVolume } from "./computes/heat-flux.compute";
export { crystalFromSpec, relaxCrystal, vacancyFormationEnergy, type CrystalSpec } from "./protocols/crystal.protocol";
export { elasticConstants, moduliFromStiffness, type ElasticResult } from "./protocols/elastic.protocol";
export {
  thermalConductivityGreenKubo,
  integrateAutocorrelation,
  type ThermalConductivityResult,
} from "./protocols/thermal-conductivity.protocol";
export { meltingTemperatureCoexistence, type MeltingOptions, type MeltingResult } from "./protocols/melting.protocol";
export { atomisticDescriptors, type DescriptorResult } from "./protocols/descriptors.protocol";
export type { Provenance } from "./protocols/provenance";
