/**
 * Linear elastic materials. Stiffness in Pa, thermal expansion in 1/K, density in kg/m³.
 * Voigt order: [xx, yy, zz, yz, xz, xy] with engineering shear strains (γ = 2ε).
 */
export interface ElasticMaterial {
  readonly kind: string;
  /** 6×6 row-major stiffness (Pa) in the global frame. */
  readonly stiffnessPa: Float64Array;
  readonly thermalExpansionPerK: number;
  readonly densityKgM3: number;
}
