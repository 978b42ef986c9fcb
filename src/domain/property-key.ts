import { CANONICAL_UNIT, convertUnit, type Dimension } from "../units";

/** Every property the store holds, with its canonical unit (see src/units.ts). */
export enum PropertyKey {
  FORMATION_ENERGY_PER_ATOM = "FORMATION_ENERGY_PER_ATOM",
  TOTAL_ENERGY_PER_ATOM = "TOTAL_ENERGY_PER_ATOM",
  ENERGY_ABOVE_HULL = "ENERGY_ABOVE_HULL",
  BAND_GAP = "BAND_GAP",
  BULK_MODULUS_VRH = "BULK_MODULUS_VRH",
  SHEAR_MODULUS_VRH = "SHEAR_MODULUS_VRH",
  YOUNGS_MODULUS = "YOUNGS_MODULUS",
  POISSON_RATIO = "POISSON_RATIO",
  ELASTIC_ANISOTROPY = "ELASTIC_ANISOTROPY",
  ELASTIC_TENSOR = "ELASTIC_TENSOR",
  THERMAL_CONDUCTIVITY = "THERMAL_CONDUCTIVITY",
  DEBYE_TEMPERATURE = "DEBYE_TEMPERATURE",
  THERMAL_EXPANSION = "THERMAL_EXPANSION",
  MELTING_TEMPERATURE = "MELTING_TEMPERATURE",
  EXFOLIATION_ENERGY = "EXFOLIATION_ENERGY",
  MAGNETIC_MOMENT = "MAGNETIC_MOMENT",
  VOLUME_PER_ATOM = "VOLUME_PER_ATOM",
  DENSITY = "DENSITY",
  REFRACTIVE_INDEX = "REFRACTIVE_INDEX",
}

export interface PropertyKeyInfo {
  readonly dimension: Dimension;
  readonly description: string;
  /** Stored as a flat array (ELASTIC_TENSOR: 36 values, row-major 6×6 Voigt) rather than one number. */
  readonly isArray?: boolean;
}

export const PROPERTY_KEYS: Readonly<Record<PropertyKey, PropertyKeyInfo>> = {
  FORMATION_ENERGY_PER_ATOM: { dimension: "energyPerAtom", description: "Formation energy per atom" },
  TOTAL_ENERGY_PER_ATOM: { dimension: "energyPerAtom", description: "Total (DFT) energy per atom" },
  ENERGY_ABOVE_HULL: { dimension: "energyPerAtom", description: "Energy above the convex hull" },
  BAND_GAP: { dimension: "energy", description: "Electronic band gap" },
  BULK_MODULUS_VRH: { dimension: "pressure", description: "Bulk modulus, Voigt–Reuss–Hill average" },
  SHEAR_MODULUS_VRH: { dimension: "pressure", description: "Shear modulus, Voigt–Reuss–Hill average" },
  YOUNGS_MODULUS: { dimension: "pressure", description: "Young's modulus" },
  POISSON_RATIO: { dimension: "dimensionless", description: "Poisson's ratio" },
  ELASTIC_ANISOTROPY: { dimension: "dimensionless", description: "Universal elastic anisotropy index" },
  ELASTIC_TENSOR: {
    dimension: "pressure",
    description: "Elastic stiffness tensor, 6×6 Voigt, row-major",
    isArray: true,
  },
  THERMAL_CONDUCTIVITY: { dimension: "thermalConductivity", description: "Lattice thermal conductivity" },
  DEBYE_TEMPERATURE: { dimension: "temperature", description: "Debye temperature" },
  THERMAL_EXPANSION: { dimension: "thermalExpansion", description: "Volumetric/linear thermal expansion coefficient" },
  MELTING_TEMPERATURE: { dimension: "temperature", description: "Melting temperature" },
  EXFOLIATION_ENERGY: { dimension: "energyPerAtom", description: "Exfoliation energy of a layered material" },
  MAGNETIC_MOMENT: { dimension: "magneticMomentPerAtom", description: "Total magnetic moment per atom" },
  VOLUME_PER_ATOM: { dimension: "volumePerAtom", description: "Volume per atom" },
  DENSITY: { dimension: "density", description: "Mass density" },
  REFRACTIVE_INDEX: { dimension: "dimensionless", description: "Refractive index" },
};

export function canonicalUnitOf(key: PropertyKey): string {
  const override = CANONICAL_UNIT_OVERRIDES[key];
  return override ?? CANONICAL_UNIT[PROPERTY_KEYS[key].dimension];
}

/** Keys whose canonical unit differs from their dimension's (exfoliation energies are meV-scale). */
const CANONICAL_UNIT_OVERRIDES: Partial<Record<PropertyKey, string>> = {
  EXFOLIATION_ENERGY: "meV/atom",
};

export function isPropertyKey(value: string): value is PropertyKey {
  return value in PROPERTY_KEYS;
}

/** A value in `unit` converted to the canonical unit of `key`. */
export function toCanonicalValue(key: PropertyKey, value: number, unit: string): number {
  return convertUnit(value, unit, canonicalUnitOf(key));
}
