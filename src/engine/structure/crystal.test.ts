import { describe, expect, it } from "vitest";
import {
  type Crystal,
  cartToFrac,
  cellVolumeA3,
  crystalComposition,
  densityGcm3,
  fracToCart,
  latticeFromParameters,
  latticeParameters,
  makeSupercell,
  validateCrystal,
  wrapFrac,
} from "./crystal";
import { InvalidCrystalError } from "./structure.errors";
import { fccConventional } from "./structure.test-support";

describe("crystal helpers", () => {
  it("lattice parameters ↔ matrix round trip for a triclinic cell, with the textbook volume formula", () => {
    const p = { a: 5.1, b: 6.3, c: 7.2, alphaDeg: 81.3, betaDeg: 97.7, gammaDeg: 112.4 };
    const m = latticeFromParameters(p);
    const q = latticeParameters(m);
    expect(q.a).toBeCloseTo(p.a, 12);
    expect(q.b).toBeCloseTo(p.b, 12);
    expect(q.c).toBeCloseTo(p.c, 12);
    expect(q.alphaDeg).toBeCloseTo(p.alphaDeg, 10);
    expect(q.betaDeg).toBeCloseTo(p.betaDeg, 10);
    expect(q.gammaDeg).toBeCloseTo(p.gammaDeg, 10);
    const [ca, cb, cg] = [p.alphaDeg, p.betaDeg, p.gammaDeg].map((d) => Math.cos((d * Math.PI) / 180)) as [
      number,
      number,
      number,
    ];
    const v = p.a * p.b * p.c * Math.sqrt(1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg);
    expect(cellVolumeA3(m)).toBeCloseTo(v, 9);
    expect(() => latticeFromParameters({ ...p, alphaDeg: 10, betaDeg: 10, gammaDeg: 170 })).toThrow(
      InvalidCrystalError,
    );
  });

  it("cartesian ↔ fractional are inverse, and wrapping lands in [0, 1)", () => {
    const m = latticeFromParameters({ a: 4, b: 5, c: 6, alphaDeg: 70, betaDeg: 80, gammaDeg: 100 });
    const f = [0.3, -1.2, 2.7];
    const back = cartToFrac(m, fracToCart(m, f));
    back.forEach((x, k) => expect(x).toBeCloseTo(f[k] as number, 12));
    expect(wrapFrac([-1e-17, 1, -0.25])).toEqual([0, 0, 0.75]);
  });

  it("density of fcc Cu (a = 3.615 Å) is 8.93 g/cm³, and composition comes from the site species", () => {
    const cu = fccConventional("Cu", 3.615);
    // 4 × 63.546 amu / (3.615 Å)³ with 1 amu/Å³ = 1.66054 g/cm³.
    expect(densityGcm3(cu)).toBeCloseTo((4 * 63.546 * 1.6605390666) / 3.615 ** 3, 9);
    expect(densityGcm3(cu)).toBeCloseTo(8.93, 2);
    expect(crystalComposition({ species: ["Ti", "O", "O", "Ti", "O", "O"] }).reducedFormula).toBe("O2Ti");
  });

  it("makeSupercell repeats every site at each lattice point of a non-diagonal supercell", () => {
    const cu = fccConventional("Cu", 3.615);
    const big = makeSupercell(cu, [
      [1, 1, 0],
      [-1, 1, 0],
      [0, 0, 3],
    ]);
    expect(big.species).toHaveLength(4 * 6);
    expect(cellVolumeA3(big.lattice)).toBeCloseTo(6 * cellVolumeA3(cu.lattice), 9);
    // No two sites coincide and all are wrapped.
    const keys = new Set(big.fracCoords.map((f) => f.map((x) => x.toFixed(6)).join(",")));
    expect(keys.size).toBe(24);
    expect(big.fracCoords.flat().every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it("validateCrystal rejects mismatched arrays, unknown elements and singular lattices", () => {
    const ok: Crystal = fccConventional("Cu", 3.6);
    expect(() => validateCrystal(ok)).not.toThrow();
    expect(() => validateCrystal({ ...ok, species: ["Cu"] })).toThrow(/1 species for 4 sites/);
    expect(() => validateCrystal({ ...ok, species: ["Cu", "Cu", "Cu", "Xx"] })).toThrow(/unknown element "Xx"/);
    expect(() =>
      validateCrystal({
        ...ok,
        lattice: [
          [1, 0, 0],
          [2, 0, 0],
          [0, 0, 1],
        ],
      }),
    ).toThrow(/linearly dependent/);
  });
});
