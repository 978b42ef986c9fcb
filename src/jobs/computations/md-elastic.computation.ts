import { elasticConstants } from "../../engine/md/protocols/elastic.protocol";
import { PropertyKey } from "../../domain/property-key";
import type { CanonicalProperty } from "../../services/canonical-entry";
import type { Computation, ComputationOutput, RunControl } from "./computation";
import { mdMethod, setUpMd } from "./md-input";

/**
 * Elastic constants at 0 K by ± finite strain (the MD engine's protocol), stored as
 * the moduli the databases report, so that they sit beside the DFT values.
 */
function run(raw: Record<string, unknown>, control: RunControl): ComputationOutput {
  const { input, potential, spec } = setUpMd(raw);
  const result = elasticConstants(spec, potential, { onProgress: (p) => control.onProgress?.(p.fraction, p.stage) });
  const m = result.moduli;
  // Universal anisotropy index (Ranganathan & Ostoja-Starzewski 2008): A^U = 5 G_V/G_R + K_V/K_R − 6.
  const anisotropy = (5 * m.shearVoigt) / m.shearReuss + m.bulkVoigt / m.bulkReuss - 6;
  const method = mdMethod(input);
  const gpa = (key: PropertyKey, value: number): CanonicalProperty => ({ key, value, unit: "GPa", method });
  return {
    summary: {
      a0Angstrom: result.a0,
      cohesiveEnergyEvPerAtom: result.cohesiveEnergyEvPerAtom,
      C11GPa: result.C11,
      C12GPa: result.C12,
      C44GPa: result.C44,
      bulkModulusGPa: m.bulkHill,
      shearModulusGPa: m.shearHill,
      youngsModulusGPa: m.youngsHill,
      poissonRatio: m.poissonHill,
      elasticAnisotropy: anisotropy,
      stiffnessGPa: result.stiffnessGPa,
    },
    properties: [
      gpa(PropertyKey.BULK_MODULUS_VRH, m.bulkHill),
      gpa(PropertyKey.SHEAR_MODULUS_VRH, m.shearHill),
      gpa(PropertyKey.YOUNGS_MODULUS, m.youngsHill),
      { key: PropertyKey.POISSON_RATIO, value: m.poissonHill, unit: "", method },
      { key: PropertyKey.ELASTIC_ANISOTROPY, value: anisotropy, unit: "", method },
      { key: PropertyKey.ELASTIC_TENSOR, values: result.stiffnessGPa.flat(), unit: "GPa", method },
    ],
    provenance: { ...result.provenance },
  };
}

export const mdElasticComputation: Computation = { kind: "md.elastic", run };
