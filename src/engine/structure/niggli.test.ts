import { describe, expect, it } from "vitest";
import { type Crystal, cellVolumeA3, crystalComposition, latticeParameters, makeSupercell } from "./crystal";
import { parseCif } from "./formats/cif";
import { det, dot, type Mat3, matMul } from "./mat3";
import { minImageDistance } from "./periodic";
import { niggliReduce, primitiveCell } from "./niggli";
import { ANATASE_CIF, RUTILE_CIF, bccConventional, fccConventional } from "./structure.test-support";

/** Deterministic pseudo-random numbers in [0, 1) (a 32-bit LCG), so failures reproduce. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A random integer matrix of determinant +1 built from elementary shears. */
function randomUnimodular(rand: () => number, steps = 6): Mat3 {
  let m: Mat3 = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  for (let s = 0; s < steps; s++) {
    const i = Math.floor(rand() * 3);
    const j = (i + 1 + Math.floor(rand() * 2)) % 3;
    const k = Math.floor(rand() * 5) - 2;
    const e: Mat3 = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    e[i]![j] = k;
    m = matMul(e, m);
  }
  return m;
}

function expectNiggliConditions(lattice: Mat3): void {
  const [a, b, c] = lattice;
  const A = dot(a, a);
  const B = dot(b, b);
  const C = dot(c, c);
  const xi = 2 * dot(b, c);
  const eta = 2 * dot(a, c);
  const zeta = 2 * dot(a, b);
  const eps = 1e-6 * Math.cbrt(Math.abs(det(lattice))) ** 2;
  expect(A).toBeLessThanOrEqual(B + eps);
  expect(B).toBeLessThanOrEqual(C + eps);
  expect(Math.abs(xi)).toBeLessThanOrEqual(B + eps);
  expect(Math.abs(eta)).toBeLessThanOrEqual(A + eps);
  expect(Math.abs(zeta)).toBeLessThanOrEqual(A + eps);
  const allPositive = xi > eps && eta > eps && zeta > eps;
  const noneNegativeFree = xi <= eps && eta <= eps && zeta <= eps;
  expect(allPositive || noneNegativeFree).toBe(true);
}

function paramsClose(
  p: ReturnType<typeof latticeParameters>,
  q: ReturnType<typeof latticeParameters>,
  tol: number,
): boolean {
  return (
    Math.abs(p.a - q.a) < tol &&
    Math.abs(p.b - q.b) < tol &&
    Math.abs(p.c - q.c) < tol &&
    Math.abs(p.alphaDeg - q.alphaDeg) < tol * 100 &&
    Math.abs(p.betaDeg - q.betaDeg) < tol * 100 &&
    Math.abs(p.gammaDeg - q.gammaDeg) < tol * 100
  );
}

describe("niggliReduce", () => {
  it("recovers the 60° rhombohedral cell of fcc from a heavily sheared basis", () => {
    const a0 = 3.615;
    const h = a0 / 2;
    const primitive: Mat3 = [
      [0, h, h],
      [h, 0, h],
      [h, h, 0],
    ];
    const skewed = matMul(
      [
        [1, 2, 3],
        [0, 1, 4],
        [0, 0, 1],
      ],
      primitive,
    );
    const { lattice, transform } = niggliReduce(skewed);
    const p = latticeParameters(lattice);
    for (const len of [p.a, p.b, p.c]) expect(len).toBeCloseTo(a0 / Math.SQRT2, 10);
    for (const ang of [p.alphaDeg, p.betaDeg, p.gammaDeg]) expect(ang).toBeCloseTo(60, 8);
    expect(Math.abs(det(transform))).toBe(1);
    expect(cellVolumeA3(lattice)).toBeCloseTo(cellVolumeA3(primitive), 9);
    expect(transform.flat().every(Number.isInteger)).toBe(true);
  });

  it("gives one reduced cell per lattice: random cells and random unimodular bases of them reduce alike and satisfy the Niggli conditions", () => {
    const rand = lcg(20240611);
    for (let trial = 0; trial < 40; trial++) {
      const base: Mat3 = [
        [2 + 4 * rand(), 0, 0],
        [4 * rand() - 2, 2 + 4 * rand(), 0],
        [4 * rand() - 2, 4 * rand() - 2, 2 + 4 * rand()],
      ];
      const other = matMul(randomUnimodular(rand), base);
      const r1 = niggliReduce(base);
      const r2 = niggliReduce(other);
      expectNiggliConditions(r1.lattice);
      expectNiggliConditions(r2.lattice);
      expect(paramsClose(latticeParameters(r1.lattice), latticeParameters(r2.lattice), 1e-6)).toBe(true);
      expect(det(r1.lattice)).toBeGreaterThan(0);
      // reduced = transform · original, exactly.
      const back = matMul(r2.transform, other);
      for (let i = 0; i < 3; i++) for (let k = 0; k < 3; k++) expect(back[i]![k]).toBeCloseTo(r2.lattice[i]![k]!, 9);
    }
  });
});

describe("primitiveCell", () => {
  it("fcc Cu: 4-atom cube → 1 atom, a quarter of the volume, 60° cell", () => {
    const conv = fccConventional("Cu", 3.615);
    const prim = primitiveCell(conv);
    expect(prim.species).toEqual(["Cu"]);
    expect(cellVolumeA3(prim.lattice)).toBeCloseTo(3.615 ** 3 / 4, 9);
    expect(latticeParameters(prim.lattice).alphaDeg).toBeCloseTo(60, 6);
  });

  it("bcc Fe: 2-atom cube → 1 atom with the 109.47° Niggli cell", () => {
    const prim = primitiveCell(bccConventional("Fe", 2.8665));
    expect(prim.species).toEqual(["Fe"]);
    expect(cellVolumeA3(prim.lattice)).toBeCloseTo(2.8665 ** 3 / 2, 9);
    const p = latticeParameters(prim.lattice);
    expect(p.a).toBeCloseTo((2.8665 * Math.sqrt(3)) / 2, 9);
    expect(Math.max(p.alphaDeg, p.betaDeg, p.gammaDeg)).toBeCloseTo((Math.acos(-1 / 3) * 180) / Math.PI, 6);
  });

  it("rock salt: 8-atom cube → Na + Cl with the Na–Cl distance kept", () => {
    const nacl: Crystal = {
      ...fccConventional("Na", 5.64),
      species: ["Na", "Na", "Na", "Na", "Cl", "Cl", "Cl", "Cl"],
      fracCoords: [...fccConventional("Na", 5.64).fracCoords, [0.5, 0.5, 0.5], [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5]],
    };
    const prim = primitiveCell(nacl);
    expect([...prim.species].sort()).toEqual(["Cl", "Na"]);
    const [f0, f1] = prim.fracCoords as [number[], number[]];
    expect(minImageDistance(prim.lattice, [f0[0]! - f1[0]!, f0[1]! - f1[1]!, f0[2]! - f1[2]!])).toBeCloseTo(2.82, 9);
  });

  it("anatase halves (I-centring); rutile is already primitive, and its supercells reduce back to 6 atoms", () => {
    const anatase = parseCif(ANATASE_CIF)[0] as Crystal;
    const ap = primitiveCell(anatase);
    expect(ap.species).toHaveLength(6);
    expect(cellVolumeA3(ap.lattice)).toBeCloseTo(cellVolumeA3(anatase.lattice) / 2, 9);
    const rutile = parseCif(RUTILE_CIF)[0] as Crystal;
    expect(primitiveCell(rutile).species).toHaveLength(6);
    for (const m of [
      [2, 1, 1] as [number, number, number],
      [
        [1, 1, 0],
        [-1, 1, 0],
        [0, 0, 2],
      ],
    ]) {
      const big = makeSupercell(rutile, m);
      expect(big.species.length).toBeGreaterThan(6);
      const prim = primitiveCell(big);
      expect(prim.species).toHaveLength(6);
      expect(crystalComposition(prim).reducedFormula).toBe("O2Ti");
      expect(cellVolumeA3(prim.lattice)).toBeCloseTo(cellVolumeA3(rutile.lattice), 8);
    }
  });
});
