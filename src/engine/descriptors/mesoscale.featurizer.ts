import type { MicrostructureDescriptors } from "../micro/microstructure.descriptors";
import type { DescriptorSetInfo, FeatureSpec } from "./descriptor-set";

/**
 * Mesoscale descriptors of a material's microstructure (a voxel polycrystal from the
 * mesoscale engine, src/engine/micro, or a measured grain map reduced to the same numbers),
 * NaN where absent: tree models route missing values, the normaliser imputes them.
 *
 * Units: lengths µm, boundary area per volume 1/µm, the rest dimensionless.
 *
 * - grain size: mean and standard deviation of the equivalent-sphere diameter
 *   d = (6V/π)^(1/3), and their ratio (coefficient of variation, a scale-free spread);
 * - mean linear intercept ℓ̄ (ASTM E112 intercept method along the grid lines);
 * - grain-boundary area per volume S_V. Counted on voxel faces, S_V·ℓ̄ = 3 identically, so
 *   for voxel microstructures the two carry the same information; they differ for measured
 *   grain maps, where S_V comes from the boundary network and ℓ̄ from test lines;
 * - texture index J₄ ∈ [0, 1] (0 random, 1 single orientation; see
 *   src/engine/micro/microstructure.descriptors.ts).
 *
 * One group and scale, "mesoscale": the fusion model gets the microstructure as its own token.
 */
const UM = 1e6;

const spec: [string, string][] = [
  ["grain_size_mean", "µm"],
  ["grain_size_std", "µm"],
  ["grain_size_cv", "1"],
  ["mean_linear_intercept", "µm"],
  ["grain_boundary_area_per_volume", "1/µm"],
  ["texture_index", "1"],
];

export const MESOSCALE_DESCRIPTORS: DescriptorSetInfo = {
  name: "mesoscale",
  version: "1.0.0",
  features: spec.map(([name, unit]): FeatureSpec => ({ name, unit, group: "mesoscale", scale: "mesoscale" })),
};

export type MesoscaleInput = Partial<Omit<MicrostructureDescriptors, "grainCount">>;

export class MesoscaleFeaturizer {
  readonly info = MESOSCALE_DESCRIPTORS;

  featurize(d: MesoscaleInput): Float64Array {
    const mean = d.grainSizeMeanM ?? NaN;
    const std = d.grainSizeStdM ?? NaN;
    const intercept = d.meanLinearInterceptM ?? NaN;
    const sv = d.boundaryAreaPerVolumePerM ?? NaN;
    return Float64Array.from([mean * UM, std * UM, std / mean, intercept * UM, sv / UM, d.textureIndex ?? NaN]);
  }

  citations(): string[] {
    return [
      "ASTM E112-13, Standard Test Methods for Determining Average Grain Size (intercept method)",
      "H.-J. Bunge, Texture Analysis in Materials Science, Butterworths (1982): texture index",
    ];
  }
}
