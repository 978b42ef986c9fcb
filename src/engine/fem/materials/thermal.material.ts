import { FemModelError } from "../fem.errors";

/**
 * Isotropic heat-conduction material: conductivity (W/(m·K)), density (kg/m³), specific
 * heat capacity (J/(kg·K)). Diffusivity α = k/(ρc) in m²/s.
 */
export interface ThermalMaterial {
  readonly conductivityWPerMK: number;
  readonly densityKgM3: number;
  readonly heatCapacityJPerKgK: number;
}

export function thermalMaterial(m: ThermalMaterial): ThermalMaterial {
  if (!(m.conductivityWPerMK > 0))
    throw new FemModelError(`conductivity must be positive, got ${m.conductivityWPerMK}`);
  if (!(m.densityKgM3 >= 0 && m.heatCapacityJPerKgK >= 0))
    throw new FemModelError("density and heat capacity must be non-negative");
  return { ...m };
}

export function diffusivityM2PerS(m: ThermalMaterial): number {
  return m.conductivityWPerMK / (m.densityKgM3 * m.heatCapacityJPerKgK);
}
