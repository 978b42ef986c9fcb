import type { DescriptorSetInfo, FeatureSpec } from "./descriptor-set";

/**
 * Thermodynamic features and dimensionless ratios, from properties known for a material
 * (NaN where not known).
 *
 * Units: eV/atom, GPa, Å³.
 *
 * - formation enthalpy and energy above the convex hull, as given;
 * - Pugh's ratio B/G (S. F. Pugh, Phil. Mag. 45 (1954) 823: ductile above ≈ 1.75) and the
 *   isotropic Poisson ratio ν = (3B − 2G)/(2(3B + G));
 * - cohesive-energy-to-modulus scaling E_coh/(B·V): for many solids B ∝ E_coh/V (Rose et
 *   al., universal binding curve), so this ratio is close to a constant of order one and
 *   its deviations carry information. B·V in GPa·Å³ is converted to eV (1 GPa·Å³ =
 *   6.241509 × 10⁻³ eV).
 */
export interface KnownProperties {
  readonly formationEnthalpyEVPerAtom?: number;
  readonly energyAboveHullEVPerAtom?: number;
  readonly bulkModulusGPa?: number;
  readonly shearModulusGPa?: number;
  readonly cohesiveEnergyEVPerAtom?: number;
  readonly volumePerAtomA3?: number;
}

export const EV_PER_GPA_A3 = 6.241509e-3;

const spec: [string, string, string][] = [
  ["formation_enthalpy", "eV/atom", "thermodynamics"],
  ["energy_above_hull", "eV/atom", "thermodynamics"],
  ["pugh_ratio", "1", "mechanics-ratios"],
  ["poisson_ratio", "1", "mechanics-ratios"],
  ["cohesive_energy_modulus_ratio", "1", "mechanics-ratios"],
];

export const THERMO_DESCRIPTORS: DescriptorSetInfo = {
  name: "thermo-ratios",
  version: "1.0.0",
  features: spec.map(([name, unit, group]): FeatureSpec => ({ name, unit, group, scale: "thermodynamic" })),
};

export class ThermoFeaturizer {
  readonly info = THERMO_DESCRIPTORS;

  featurize(p: KnownProperties): Float64Array {
    const b = p.bulkModulusGPa ?? NaN;
    const g = p.shearModulusGPa ?? NaN;
    const ecoh = Math.abs(p.cohesiveEnergyEVPerAtom ?? NaN);
    return Float64Array.from([
      p.formationEnthalpyEVPerAtom ?? NaN,
      p.energyAboveHullEVPerAtom ?? NaN,
      b / g,
      (3 * b - 2 * g) / (2 * (3 * b + g)),
      ecoh / (b * (p.volumePerAtomA3 ?? NaN) * EV_PER_GPA_A3),
    ]);
  }
}
