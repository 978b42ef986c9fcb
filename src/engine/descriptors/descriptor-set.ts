/**
 * What every descriptor set shares: a name, a version that changes whenever a value
 * could change (models record it and refuse mismatched inputs), and per-feature names,
 * units and groups. A group is the unit an ablation drops and the fusion model embeds
 * as one token; its `scale` says which length scale the group describes.
 */
export type DescriptorScale =
  "atomic" | "electronic" | "stoichiometric" | "crystal" | "mesoscale" | "simulation" | "thermodynamic";

export interface FeatureSpec {
  readonly name: string;
  /** Unit as text ("eV", "GPa", "Å³", "K", "1" for dimensionless). */
  readonly unit: string;
  readonly group: string;
  readonly scale: DescriptorScale;
}

export interface DescriptorSetInfo {
  readonly name: string;
  readonly version: string;
  readonly features: readonly FeatureSpec[];
}

export class FeaturizationError extends Error {
  readonly code = "FEATURIZATION";
  constructor(
    readonly input: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot featurise "${input}": ${reason}`, options);
    this.name = "FeaturizationError";
  }
}

/** The distinct groups of a descriptor set, in first-appearance order, with their column indices. */
export function featureGroups(info: DescriptorSetInfo): { name: string; scale: DescriptorScale; columns: number[] }[] {
  const groups = new Map<string, { name: string; scale: DescriptorScale; columns: number[] }>();
  info.features.forEach((f, i) => {
    let g = groups.get(f.group);
    if (!g) {
      g = { name: f.group, scale: f.scale, columns: [] };
      groups.set(f.group, g);
    }
    g.columns.push(i);
  });
  return [...groups.values()];
}
