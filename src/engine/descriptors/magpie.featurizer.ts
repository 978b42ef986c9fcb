import { Composition, FormulaError } from "../chem/composition";
import { type DescriptorScale, type DescriptorSetInfo, FeaturizationError, type FeatureSpec } from "./descriptor-set";
import {
  ELEMENTAL_PROPERTIES,
  ELEMENTAL_TABLE,
  ELEMENTAL_TABLE_VERSION,
  type ElementalProperties,
  type ElementalPropertyKey,
} from "./elemental-properties.table";

/**
 * Composition descriptors in the style of Magpie: L. Ward, A. Agrawal, A. Choudhary,
 * C. Wolverton, "A general-purpose machine learning framework for predicting properties
 * of inorganic materials", npj Comput. Mater. 2 (2016) 16028.
 *
 * With atomic fractions xᵢ and an elemental property pᵢ:
 *   mean = Σ xᵢpᵢ,  avg_dev = Σ xᵢ|pᵢ − mean|,  min, max, range = max − min,
 *   mode = p of the most abundant element (ties: the smallest value).
 * Stoichiometric p-norms ‖x‖ₚ = (Σ xᵢᵖ)^(1/p) for p = 2, 3, 5, 7, 10 and p = 0 (the number
 * of elements); valence fractions f_s = Σ xᵢ sᵢ / Σ xᵢ vᵢ (same for p, d, f);
 * ionic character I(χᵢ, χⱼ) = 1 − exp(−(χᵢ − χⱼ)²/4) (Pauling), its maximum over pairs
 * and its mean Σᵢⱼ xᵢxⱼ I(χᵢ, χⱼ); Hölder means of eight properties (`HOLDER_PROPERTIES`).
 * Bulk-modulus statistics use the elements that have a value (`KNOWN_ELEMENTS_ONLY`).
 *
 * Units: each statistic keeps the unit of its property (K, Å³, eV, pm, …); the
 * average deviation too, since it is a difference of property values.
 */

const STATS = ["mean", "avg_dev", "min", "max", "range", "mode"] as const;

/** Which token a property belongs to in the fusion model, and which group an ablation drops. */
const PROPERTY_GROUP: Record<ElementalPropertyKey, { group: string; scale: DescriptorScale }> = {
  atomicNumber: { group: "atomic-identity", scale: "atomic" },
  mendeleevNumber: { group: "atomic-identity", scale: "atomic" },
  atomicMassAmu: { group: "atomic-identity", scale: "atomic" },
  period: { group: "atomic-identity", scale: "atomic" },
  group: { group: "atomic-identity", scale: "atomic" },
  electronegativityPauling: { group: "atomic-bonding", scale: "atomic" },
  covalentRadiusPm: { group: "atomic-bonding", scale: "atomic" },
  firstIonisationEnergyEV: { group: "atomic-bonding", scale: "atomic" },
  sValence: { group: "valence", scale: "electronic" },
  pValence: { group: "valence", scale: "electronic" },
  dValence: { group: "valence", scale: "electronic" },
  fValence: { group: "valence", scale: "electronic" },
  totalValence: { group: "valence", scale: "electronic" },
  sUnfilled: { group: "valence", scale: "electronic" },
  pUnfilled: { group: "valence", scale: "electronic" },
  dUnfilled: { group: "valence", scale: "electronic" },
  fUnfilled: { group: "valence", scale: "electronic" },
  totalUnfilled: { group: "valence", scale: "electronic" },
  bandGapEV: { group: "elemental-solid", scale: "crystal" },
  magneticMomentMuB: { group: "elemental-solid", scale: "crystal" },
  meltingPointK: { group: "elemental-solid", scale: "crystal" },
  volumePerAtomA3: { group: "elemental-solid", scale: "crystal" },
  spaceGroupNumber: { group: "elemental-solid", scale: "crystal" },
  cohesiveEnergyEV: { group: "elemental-solid", scale: "crystal" },
  bulkModulusGPa: { group: "elemental-solid", scale: "crystal" },
  cohesiveEnergyDensityGPa: { group: "elemental-solid", scale: "crystal" },
};

const P_NORMS = [0, 2, 3, 5, 7, 10] as const;

/**
 * Properties whose statistics are taken over the elements that have a value (fractions
 * renormalised): an elastic modulus is undefined for the molecular solids N₂, O₂, F₂, Cl₂,
 * Br₂, and leaving every oxide, nitride and halide without the metals' stiffness lost
 * accuracy on the AFLOW modulus splits. Other properties stay unknown when one element's is.
 */
const KNOWN_ELEMENTS_ONLY: ReadonlySet<ElementalPropertyKey> = new Set(["bulkModulusGPa"]);

/**
 * Hölder (power) means M_q = (Σ xᵢpᵢ^q)^(1/q), M₀ the geometric mean, of the bonding and
 * cohesion properties: q < 0 leans to the smallest value (series / Reuss-like mixing of
 * stiffnesses), q > 0 to the largest (Voigt-like). After M. de Jong et al., "A statistical
 * learning framework for materials science: application to elastic moduli of k-nary
 * inorganic polycrystalline compounds", Sci. Rep. 6 (2016) 34256.
 */
const HOLDER_PROPERTIES: readonly ElementalPropertyKey[] = [
  "electronegativityPauling",
  "covalentRadiusPm",
  "meltingPointK",
  "volumePerAtomA3",
  "firstIonisationEnergyEV",
  "cohesiveEnergyEV",
  "bulkModulusGPa",
  "cohesiveEnergyDensityGPa",
];
const HOLDER_POWERS = [-4, -2, -1, 0, 2, 4] as const;
/** `HOLDER_PROPERTIES` in the table's column order, with their units. */
const HOLDER_COLUMNS = ELEMENTAL_PROPERTIES.filter(({ key }) => HOLDER_PROPERTIES.includes(key));

/** M_q over the elements with a positive value, weights renormalised; NaN when none has one, or when one lacks it and the property is not in `KNOWN_ELEMENTS_ONLY`. */
function holderMean(
  x: readonly number[],
  elements: readonly ElementalProperties[],
  key: ElementalPropertyKey,
  q: number,
): number {
  const skipUnknown = KNOWN_ELEMENTS_ONLY.has(key);
  let s = 0;
  let w = 0;
  for (let i = 0; i < elements.length; i++) {
    const v = (elements[i] as ElementalProperties)[key];
    if (!(v > 0)) {
      if (skipUnknown && Number.isNaN(v)) continue;
      return NaN;
    }
    w += x[i] as number;
    s += (x[i] as number) * (q === 0 ? Math.log(v) : v ** q);
  }
  if (!(w > 0)) return NaN;
  return q === 0 ? Math.exp(s / w) : (s / w) ** (1 / q);
}

/**
 * Mean, mean absolute deviation, min, max, range and the value of the most abundant
 * element (ties: the smallest value) of one property, written from `col`; returns the next
 * column. `x` are the fractions of the elements whose values are `p`, and the mean and
 * deviation are divided by `weight`, their sum where some elements were left out (1
 * otherwise). One unknown value, or no element at all, makes every statistic unknown, not
 * a misleading partial.
 */
function writeStatistics(
  x: readonly number[],
  p: readonly number[],
  weight: number,
  out: Float64Array,
  col: number,
): number {
  let mean = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < p.length; i++) {
    const v = p[i] as number;
    mean += (x[i] as number) * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  mean /= weight;
  let dev = 0;
  for (let i = 0; i < p.length; i++) dev += (x[i] as number) * Math.abs((p[i] as number) - mean);
  dev /= weight;
  let modeIndex = 0;
  for (let i = 1; i < x.length; i++) if ((x[i] as number) > (x[modeIndex] as number) + 1e-12) modeIndex = i;
  let mode = Infinity;
  for (let i = 0; i < x.length; i++)
    if (Math.abs((x[i] as number) - (x[modeIndex] as number)) <= 1e-12) mode = Math.min(mode, p[i] as number);
  if (Number.isNaN(mean)) min = max = mode = NaN;
  out[col++] = mean;
  out[col++] = dev;
  out[col++] = min;
  out[col++] = max;
  out[col++] = max - min;
  out[col++] = mode;
  return col;
}

/** The statistics of `key` (see writeStatistics); for `KNOWN_ELEMENTS_ONLY` over the elements that have a value, fractions renormalised. */
function propertyStatistics(
  x: readonly number[],
  elements: readonly ElementalProperties[],
  key: ElementalPropertyKey,
  out: Float64Array,
  col: number,
): number {
  const p = elements.map((e) => e[key]);
  if (!KNOWN_ELEMENTS_ONLY.has(key)) return writeStatistics(x, p, 1, out, col);
  const known = p.flatMap((v, i) => (Number.isNaN(v) ? [] : [i]));
  if (known.length === 0) {
    out.fill(NaN, col, col + STATS.length);
    return col + STATS.length;
  }
  const xKnown = known.map((i) => x[i] as number);
  return writeStatistics(
    xKnown,
    known.map((i) => p[i] as number),
    xKnown.reduce((w, xi) => w + xi, 0),
    out,
    col,
  );
}

function buildFeatures(): FeatureSpec[] {
  const features: FeatureSpec[] = [];
  for (const { key, unit } of ELEMENTAL_PROPERTIES) {
    const { group, scale } = PROPERTY_GROUP[key];
    for (const stat of STATS) features.push({ name: `${stat}_${key}`, unit, group, scale });
  }
  for (const p of P_NORMS)
    features.push({ name: `stoich_p${p}_norm`, unit: "1", group: "stoichiometry", scale: "stoichiometric" });
  for (const o of ["s", "p", "d", "f"]) {
    features.push({ name: `frac_${o}_valence`, unit: "1", group: "stoichiometry", scale: "stoichiometric" });
  }
  features.push({ name: "max_ionic_char", unit: "1", group: "stoichiometry", scale: "stoichiometric" });
  features.push({ name: "mean_ionic_char", unit: "1", group: "stoichiometry", scale: "stoichiometric" });
  for (const { key, unit } of HOLDER_COLUMNS) {
    for (const q of HOLDER_POWERS)
      features.push({ name: `holder_mean_p${q}_${key}`, unit, group: "power-means", scale: "stoichiometric" });
  }
  return features;
}

export const MAGPIE_DESCRIPTORS: DescriptorSetInfo = {
  name: "magpie-composition",
  version: `1.1.0+${ELEMENTAL_TABLE_VERSION}`,
  features: buildFeatures(),
};

export class MagpieFeaturizer {
  readonly info = MAGPIE_DESCRIPTORS;

  get size(): number {
    return this.info.features.length;
  }

  /** Descriptors of a formula or composition; throws FeaturizationError for bad formulas or unknown elements. */
  featurize(input: string | Composition, out = new Float64Array(this.size)): Float64Array {
    let composition: Composition;
    try {
      composition = typeof input === "string" ? Composition.parse(input) : input;
    } catch (err) {
      const reason = err instanceof FormulaError ? err.message : "unparseable formula";
      throw new FeaturizationError(String(input), reason, { cause: err });
    }
    const fractions = composition.fractions();
    const elements: ElementalProperties[] = [];
    const x: number[] = [];
    for (const [symbol, fraction] of fractions) {
      const props = ELEMENTAL_TABLE.get(symbol);
      if (!props) throw new FeaturizationError(String(input), `no elemental data for ${symbol}`);
      elements.push(props);
      x.push(fraction);
    }
    let col = 0;
    for (const { key } of ELEMENTAL_PROPERTIES) col = propertyStatistics(x, elements, key, out, col);
    for (const p of P_NORMS) {
      if (p === 0) {
        out[col++] = x.length;
        continue;
      }
      let s = 0;
      for (const xi of x) s += xi ** p;
      out[col++] = s ** (1 / p);
    }
    let total = 0;
    const byOrbital = [0, 0, 0, 0];
    elements.forEach((e, i) => {
      const xi = x[i] as number;
      total += xi * e.totalValence;
      byOrbital[0] = (byOrbital[0] as number) + xi * e.sValence;
      byOrbital[1] = (byOrbital[1] as number) + xi * e.pValence;
      byOrbital[2] = (byOrbital[2] as number) + xi * e.dValence;
      byOrbital[3] = (byOrbital[3] as number) + xi * e.fValence;
    });
    for (const v of byOrbital) out[col++] = total > 0 ? v / total : 0;
    let maxIonic = 0;
    let meanIonic = 0;
    for (let i = 0; i < elements.length; i++) {
      for (let j = 0; j < elements.length; j++) {
        const d =
          (elements[i] as ElementalProperties).electronegativityPauling -
          (elements[j] as ElementalProperties).electronegativityPauling;
        const ic = 1 - Math.exp(-0.25 * d * d);
        if (ic > maxIonic || Number.isNaN(ic)) maxIonic = ic;
        meanIonic += (x[i] as number) * (x[j] as number) * ic;
      }
    }
    out[col++] = maxIonic;
    out[col++] = meanIonic;
    for (const { key } of HOLDER_COLUMNS) for (const q of HOLDER_POWERS) out[col++] = holderMean(x, elements, key, q);
    return out;
  }
}
