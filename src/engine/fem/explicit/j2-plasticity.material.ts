import { FemModelError } from "../fem.errors";

/**
 * Rate-independent J2 (von Mises) plasticity with isotropic hardening, for the explicit
 * solver. SI units: Pa, kg/m³. Stresses are Cauchy stresses in Voigt order
 * [xx, yy, zz, yz, xz, xy]; strains use engineering shears (γ = 2ε) in the same order.
 *
 * Hardening laws (σy as a function of the equivalent plastic strain εp):
 *   linear:    σy = σ0 + H·εp
 *   power law: σy = σ0 + K·εp^n   (Ludwik)
 * Without a yield stress the material is linear elastic. The return map is the classical
 * radial return (Wilkins; Simo & Hughes, Computational Inelasticity, Box 3.1): exact in one
 * step for linear hardening, a bracketed Newton iteration for the power law.
 */
export type HardeningLaw =
  | { readonly kind: "linear"; readonly modulusPa: number }
  | { readonly kind: "power"; readonly coefficientPa: number; readonly exponent: number };

export interface ExplicitMaterialInput {
  readonly youngsModulusPa: number;
  readonly poissonRatio: number;
  readonly densityKgM3: number;
  /** Initial yield stress σ0; omit for a linear-elastic material. */
  readonly yieldStressPa?: number;
  readonly hardening?: HardeningLaw;
}

export interface ExplicitMaterial {
  readonly youngsModulusPa: number;
  readonly poissonRatio: number;
  readonly densityKgM3: number;
  readonly lameLambdaPa: number;
  readonly shearModulusPa: number;
  /** λ + 2G: sets the dilatational wave speed √((λ+2G)/ρ). */
  readonly pWaveModulusPa: number;
  /** Infinity for an elastic material. */
  readonly yieldStressPa: number;
  readonly hardening: HardeningLaw;
}

export function explicitMaterial(input: ExplicitMaterialInput): ExplicitMaterial {
  const E = input.youngsModulusPa;
  const nu = input.poissonRatio;
  const rho = input.densityKgM3;
  if (!(Number.isFinite(E) && E > 0))
    throw new FemModelError(`Young's modulus must be a positive number of Pa, got ${E}`);
  if (!(nu > -1 && nu < 0.5)) throw new FemModelError(`Poisson ratio must lie in (-1, 0.5), got ${nu}`);
  if (!(Number.isFinite(rho) && rho > 0))
    throw new FemModelError(`density must be a positive number of kg/m³, got ${rho}`);
  const yieldStressPa = input.yieldStressPa ?? Infinity;
  if (!(yieldStressPa > 0)) throw new FemModelError(`yield stress must be positive, got ${yieldStressPa}`);
  const hardening = input.hardening ?? { kind: "linear", modulusPa: 0 };
  if (hardening.kind === "linear" && !(hardening.modulusPa >= 0 && Number.isFinite(hardening.modulusPa)))
    throw new FemModelError(`hardening modulus must be a non-negative number of Pa, got ${hardening.modulusPa}`);
  if (hardening.kind === "power") {
    if (!(hardening.coefficientPa >= 0 && Number.isFinite(hardening.coefficientPa)))
      throw new FemModelError(
        `hardening coefficient must be a non-negative number of Pa, got ${hardening.coefficientPa}`,
      );
    if (!(hardening.exponent > 0 && hardening.exponent <= 1))
      throw new FemModelError(`hardening exponent must lie in (0, 1], got ${hardening.exponent}`);
  }
  const lameLambdaPa = (E * nu) / ((1 + nu) * (1 - 2 * nu));
  const shearModulusPa = E / (2 * (1 + nu));
  return {
    youngsModulusPa: E,
    poissonRatio: nu,
    densityKgM3: rho,
    lameLambdaPa,
    shearModulusPa,
    pWaveModulusPa: lameLambdaPa + 2 * shearModulusPa,
    yieldStressPa,
    hardening,
  };
}

/** Flow stress σy(εp) of the hardening law (Pa). */
export function flowStressPa(material: ExplicitMaterial, plasticStrain: number): number {
  const h = material.hardening;
  if (h.kind === "linear") return material.yieldStressPa + h.modulusPa * plasticStrain;
  return material.yieldStressPa + h.coefficientPa * Math.pow(plasticStrain, h.exponent);
}

/**
 * Radial return for the trial stress held in `stress[offset..offset+6]` (updated in place).
 * Returns the plastic strain increment Δεp ≥ 0 (0 when the trial state is elastic).
 */
export function radialReturn(
  material: ExplicitMaterial,
  stress: Float64Array,
  offset: number,
  plasticStrain: number,
): number {
  const sxx = stress[offset] as number;
  const syy = stress[offset + 1] as number;
  const szz = stress[offset + 2] as number;
  const syz = stress[offset + 3] as number;
  const sxz = stress[offset + 4] as number;
  const sxy = stress[offset + 5] as number;
  const p = (sxx + syy + szz) / 3;
  const dxx = sxx - p;
  const dyy = syy - p;
  const dzz = szz - p;
  const q = Math.sqrt(1.5 * (dxx * dxx + dyy * dyy + dzz * dzz + 2 * (syz * syz + sxz * sxz + sxy * sxy)));
  const yieldNow = flowStressPa(material, plasticStrain);
  const f = q - yieldNow;
  if (f <= 0) return 0;
  const G3 = 3 * material.shearModulusPa;
  const h = material.hardening;
  let dep: number;
  if (h.kind === "linear") {
    dep = f / (G3 + h.modulusPa);
  } else {
    // g(Δ) = q − 3GΔ − σy(εp + Δ) decreases monotonically; its root lies in (0, f/3G].
    let lo = 0;
    let hi = f / G3;
    dep = hi;
    for (let it = 0; it < 60; it++) {
      const ep = plasticStrain + dep;
      const g = q - G3 * dep - flowStressPa(material, ep);
      if (g > 0) lo = dep;
      else hi = dep;
      if (Math.abs(g) <= 1e-12 * q) break;
      const slope = G3 + (ep > 0 ? h.coefficientPa * h.exponent * Math.pow(ep, h.exponent - 1) : Infinity);
      let next = dep + g / slope;
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      dep = next;
    }
  }
  const scale = 1 - (G3 * dep) / q;
  stress[offset] = p + scale * dxx;
  stress[offset + 1] = p + scale * dyy;
  stress[offset + 2] = p + scale * dzz;
  stress[offset + 3] = scale * syz;
  stress[offset + 4] = scale * sxz;
  stress[offset + 5] = scale * sxy;
  return dep;
}
