import type { DescriptorSetInfo, FeatureSpec } from "./descriptor-set";

/**
 * Descriptors derived from MatGraph's own simulations of a material, when they exist
 * (NaN where not: tree models route missing values, the normaliser imputes them).
 *
 * Units: energies eV, stresses and moduli GPa.
 *
 * - bond energy per bond and mean coordination number from an MD relaxation;
 * - stress-tensor invariants of σ (Cauchy stress, GPa): I₁ = tr σ, hydrostatic pressure
 *   p = −I₁/3, J₂ = ½ s:s with the deviator s = σ − (I₁/3) I, von Mises σ_vM = √(3 J₂);
 * - elastic constants from MD (C₁₁, C₁₂, C₄₄ of a cubic cell, GPa), Voigt averages
 *   B_V = (C₁₁ + 2C₁₂)/3 and G_V = (C₁₁ − C₁₂ + 3C₄₄)/5, Zener anisotropy
 *   A = 2C₄₄/(C₁₁ − C₁₂) and the Cauchy pressure C₁₂ − C₄₄.
 */
export interface SimulationResults {
  readonly bondEnergyEV?: number;
  readonly coordinationNumber?: number;
  /** 3×3 Cauchy stress, GPa. */
  readonly stressTensorGPa?: readonly (readonly number[])[];
  readonly elasticConstantsGPa?: { readonly c11: number; readonly c12: number; readonly c44: number };
}

const spec: [string, string][] = [
  ["md_bond_energy", "eV"],
  ["md_coordination_number", "1"],
  ["stress_i1", "GPa"],
  ["stress_pressure", "GPa"],
  ["stress_j2", "GPa²"],
  ["von_mises_stress", "GPa"],
  ["md_c11", "GPa"],
  ["md_c12", "GPa"],
  ["md_c44", "GPa"],
  ["md_bulk_modulus_voigt", "GPa"],
  ["md_shear_modulus_voigt", "GPa"],
  ["md_zener_anisotropy", "1"],
  ["md_cauchy_pressure", "GPa"],
];

export const SIMULATION_DESCRIPTORS: DescriptorSetInfo = {
  name: "simulation",
  version: "1.0.0",
  features: spec.map(([name, unit]): FeatureSpec => ({ name, unit, group: "simulation", scale: "simulation" })),
};

export function stressInvariants(sigma: readonly (readonly number[])[]): {
  i1: number;
  pressure: number;
  j2: number;
  vonMises: number;
} {
  const s = (i: number, j: number): number => sigma[i]?.[j] ?? NaN;
  const i1 = s(0, 0) + s(1, 1) + s(2, 2);
  const mean = i1 / 3;
  let ss = 0;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      // Symmetrise so a tensor written with tiny round-off asymmetry gives the same J₂.
      const sym = 0.5 * (s(i, j) + s(j, i)) - (i === j ? mean : 0);
      ss += sym * sym;
    }
  }
  const j2 = 0.5 * ss;
  return { i1, pressure: -mean, j2, vonMises: Math.sqrt(3 * j2) };
}

export class SimulationFeaturizer {
  readonly info = SIMULATION_DESCRIPTORS;

  featurize(r: SimulationResults): Float64Array {
    const st = r.stressTensorGPa
      ? stressInvariants(r.stressTensorGPa)
      : { i1: NaN, pressure: NaN, j2: NaN, vonMises: NaN };
    const c = r.elasticConstantsGPa ?? { c11: NaN, c12: NaN, c44: NaN };
    return Float64Array.from([
      r.bondEnergyEV ?? NaN,
      r.coordinationNumber ?? NaN,
      st.i1,
      st.pressure,
      st.j2,
      st.vonMises,
      c.c11,
      c.c12,
      c.c44,
      (c.c11 + 2 * c.c12) / 3,
      (c.c11 - c.c12 + 3 * c.c44) / 5,
      (2 * c.c44) / (c.c11 - c.c12),
      c.c12 - c.c44,
    ]);
  }
}
