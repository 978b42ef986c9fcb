import { describe, expect, it } from "vitest";
import { StructureFeaturizer, STRUCTURE_DESCRIPTORS, crystalSystem } from "./structure.featurizer";

const f = new StructureFeaturizer();
const names = STRUCTURE_DESCRIPTORS.features.map((x) => x.name);
const get = (v: Float64Array, n: string): number => v[names.indexOf(n)] as number;

const fcc = (a: number, el: string) => ({
  // prettier-ignore
  latticeA: [[a, 0, 0], [0, a, 0], [0, 0, a]] as [number, number, number][],
  species: [el, el, el, el],
  // prettier-ignore
  fractional: [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]] as [number, number, number][],
  spaceGroupNumber: 225,
});

describe("structure descriptors", () => {
  it("fcc Cu: 12 neighbours at a/√2, measured density, touching-covalent-sphere packing", () => {
    const a = 3.615;
    const v = f.featurize(fcc(a, "Cu"));
    expect(get(v, "mean_coordination")).toBe(12);
    expect(get(v, "min_coordination")).toBe(12);
    expect(get(v, "mean_bond_length")).toBeCloseTo(a / Math.SQRT2, 10);
    expect(get(v, "density")).toBeCloseTo((4 * 63.546) / 6.02214076e23 / (a ** 3 * 1e-24), 10);
    expect(get(v, "density")).toBeCloseTo(8.93, 1);
    expect(get(v, "volume_per_atom")).toBeCloseTo(a ** 3 / 4, 10);
    expect(get(v, "packing_fraction")).toBeCloseTo((4 * (4 / 3) * Math.PI * 1.32 ** 3) / a ** 3, 10);
    expect(get(v, "crystal_system")).toBe(7);
    expect(get(v, "lattice_length_ratio")).toBe(1);
    expect(get(v, "lattice_angle_deviation")).toBeCloseTo(0, 10);
  });

  it("the same crystal in its primitive cell gives the same intensive descriptors", () => {
    const a = 3.615;
    const prim = f.featurize({
      // prettier-ignore
      latticeA: [[0, a / 2, a / 2], [a / 2, 0, a / 2], [a / 2, a / 2, 0]],
      species: ["Cu"],
      fractional: [[0, 0, 0]],
      spaceGroupNumber: 225,
    });
    const conv = f.featurize(fcc(a, "Cu"));
    for (const n of ["density", "volume_per_atom", "packing_fraction", "mean_coordination", "mean_bond_length"]) {
      expect(get(prim, n)).toBeCloseTo(get(conv, n), 10);
    }
    expect(get(prim, "lattice_angle_deviation")).toBeCloseTo(30, 10);
  });

  it("diamond Si: 4 neighbours at a√3/4", () => {
    const a = 5.431;
    // prettier-ignore
    const base: [number, number, number][] = [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]];
    const frac = [...base, ...base.map(([x, y, z]) => [x + 0.25, y + 0.25, z + 0.25] as [number, number, number])];
    // prettier-ignore
    const v = f.featurize({ latticeA: [[a, 0, 0], [0, a, 0], [0, 0, a]], species: Array(8).fill("Si"), fractional: frac });
    expect(get(v, "mean_coordination")).toBe(4);
    expect(get(v, "mean_bond_length")).toBeCloseTo((a * Math.sqrt(3)) / 4, 10);
    expect(Number.isNaN(get(v, "space_group_number"))).toBe(true);
  });

  it("maps space groups to crystal systems at the boundaries", () => {
    expect([1, 2, 3, 15, 16, 74, 75, 142, 143, 167, 168, 194, 195, 230].map(crystalSystem)).toEqual([
      1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7,
    ]);
  });
});
