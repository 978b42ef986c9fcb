import { MicroModelError } from "./micro.errors";

/**
 * Closed-form references for effective isotropic moduli (Pa; fractions are volume fractions
 * summing to 1).
 *
 * - Voigt / Reuss: arithmetic / harmonic means of K and G; rigorous bounds for any geometry.
 * - Hashin–Shtrikman (Z. Hashin, S. Shtrikman, J. Mech. Phys. Solids 11 (1963) 127,
 *   doi:10.1016/0022-5096(63)90060-7) in Walpole's form, valid also for phases that are not
 *   well ordered: with a comparison medium (K⋆, G⋆),
 *     K(G⋆) = [Σ fᵢ/(Kᵢ + 4G⋆/3)]⁻¹ − 4G⋆/3,
 *     G(ζ) = [Σ fᵢ/(Gᵢ + ζ)]⁻¹ − ζ,  ζ = (G⋆/6)(9K⋆ + 8G⋆)/(K⋆ + 2G⋆);
 *   the lower bound uses the smallest K and G of the phases, the upper the largest. These bound
 *   statistically ISOTROPIC two-phase composites.
 * - Mori–Tanaka for spherical inclusions in a matrix (T. Mori, K. Tanaka, Acta Metall. 21
 *   (1973) 571, doi:10.1016/0001-6160(73)90064-3; Benveniste's form): the same expressions
 *   with the MATRIX as comparison medium, so it equals the HS lower bound for a soft matrix.
 * - Cubic polycrystal averages of a random aggregate: K = (C11 + 2C12)/3 for Voigt, Reuss and
 *   any texture; G_V = (C11 − C12 + 3C44)/5; G_R = 5(C11 − C12)C44 / [4C44 + 3(C11 − C12)];
 *   Hill = (G_V + G_R)/2.
 */
export interface IsotropicPhase {
  readonly bulkModulusPa: number;
  readonly shearModulusPa: number;
  readonly volumeFraction: number;
}

export interface ModulusBounds {
  readonly bulkLowerPa: number;
  readonly bulkUpperPa: number;
  readonly shearLowerPa: number;
  readonly shearUpperPa: number;
}

export interface ModulusEstimate {
  readonly bulkModulusPa: number;
  readonly shearModulusPa: number;
  readonly youngsModulusPa: number;
  readonly poissonRatio: number;
}

function checkPhases(phases: readonly IsotropicPhase[]): void {
  if (phases.length === 0) throw new MicroModelError("at least one phase is needed");
  let sum = 0;
  phases.forEach((p, i) => {
    if (!(p.bulkModulusPa > 0 && p.shearModulusPa > 0))
      throw new MicroModelError(
        `phase ${i}: K and G must be positive, got K=${p.bulkModulusPa} Pa, G=${p.shearModulusPa} Pa`,
      );
    if (!(p.volumeFraction >= 0 && p.volumeFraction <= 1))
      throw new MicroModelError(`phase ${i}: volume fraction must lie in [0, 1], got ${p.volumeFraction}`);
    sum += p.volumeFraction;
  });
  if (Math.abs(sum - 1) > 1e-9) throw new MicroModelError(`phase volume fractions must sum to 1, got ${sum}`);
}

export function voigtReussBounds(phases: readonly IsotropicPhase[]): ModulusBounds {
  checkPhases(phases);
  let kV = 0,
    gV = 0,
    kR = 0,
    gR = 0;
  for (const p of phases) {
    kV += p.volumeFraction * p.bulkModulusPa;
    gV += p.volumeFraction * p.shearModulusPa;
    kR += p.volumeFraction / p.bulkModulusPa;
    gR += p.volumeFraction / p.shearModulusPa;
  }
  return { bulkLowerPa: 1 / kR, bulkUpperPa: kV, shearLowerPa: 1 / gR, shearUpperPa: gV };
}

function comparisonMedium(
  phases: readonly IsotropicPhase[],
  kStar: number,
  gStar: number,
): { bulkModulusPa: number; shearModulusPa: number } {
  const a = (4 / 3) * gStar;
  const zeta = (gStar / 6) * ((9 * kStar + 8 * gStar) / (kStar + 2 * gStar));
  let sk = 0;
  let sg = 0;
  for (const p of phases) {
    sk += p.volumeFraction / (p.bulkModulusPa + a);
    sg += p.volumeFraction / (p.shearModulusPa + zeta);
  }
  return { bulkModulusPa: 1 / sk - a, shearModulusPa: 1 / sg - zeta };
}

export function hashinShtrikmanBounds(phases: readonly IsotropicPhase[]): ModulusBounds {
  checkPhases(phases);
  const kMin = Math.min(...phases.map((p) => p.bulkModulusPa));
  const kMax = Math.max(...phases.map((p) => p.bulkModulusPa));
  const gMin = Math.min(...phases.map((p) => p.shearModulusPa));
  const gMax = Math.max(...phases.map((p) => p.shearModulusPa));
  const lower = comparisonMedium(phases, kMin, gMin);
  const upper = comparisonMedium(phases, kMax, gMax);
  return {
    bulkLowerPa: lower.bulkModulusPa,
    bulkUpperPa: upper.bulkModulusPa,
    shearLowerPa: lower.shearModulusPa,
    shearUpperPa: upper.shearModulusPa,
  };
}

/** Mori–Tanaka estimate for spheres: phases[0] is the matrix. */
export function moriTanakaSpheres(phases: readonly IsotropicPhase[]): ModulusEstimate {
  checkPhases(phases);
  const m = phases[0]!;
  const r = comparisonMedium(phases, m.bulkModulusPa, m.shearModulusPa);
  return withYoungs(r.bulkModulusPa, r.shearModulusPa);
}

export function withYoungs(bulkModulusPa: number, shearModulusPa: number): ModulusEstimate {
  const K = bulkModulusPa;
  const G = shearModulusPa;
  return {
    bulkModulusPa: K,
    shearModulusPa: G,
    youngsModulusPa: (9 * K * G) / (3 * K + G),
    poissonRatio: (3 * K - 2 * G) / (2 * (3 * K + G)),
  };
}

export interface CubicAverages {
  readonly bulkModulusPa: number;
  readonly shearVoigtPa: number;
  readonly shearReussPa: number;
  readonly shearHillPa: number;
}

export function cubicPolycrystalAverages(c11Pa: number, c12Pa: number, c44Pa: number): CubicAverages {
  const shearVoigtPa = (c11Pa - c12Pa + 3 * c44Pa) / 5;
  const shearReussPa = (5 * (c11Pa - c12Pa) * c44Pa) / (4 * c44Pa + 3 * (c11Pa - c12Pa));
  return {
    bulkModulusPa: (c11Pa + 2 * c12Pa) / 3,
    shearVoigtPa,
    shearReussPa,
    shearHillPa: (shearVoigtPa + shearReussPa) / 2,
  };
}
