import { describe, expect, it } from "vitest";
import { type Crystal } from "../crystal";
import { StructureFormatError } from "../structure.errors";
import { ANATASE_CIF, bccConventional, maxFracDifference, maxLatticeDifference } from "../structure.test-support";
import { parseCif } from "./cif";
import { parseExtxyz, parseKeyValues, writeExtxyz } from "./extxyz";
import { STRUCTURE_FORMATS } from "./index";

describe("parseExtxyz", () => {
  it("reads the ASE comment line with extra properties and keys, and several frames", () => {
    const text = `2
Lattice="2.87 0.0 0.0 0.0 2.87 0.0 0.0 0.0 2.87" Properties=species:S:1:pos:R:3:forces:R:3:tags:I:1 energy=-16.5 pbc="T T T" config_type=bcc
Fe 0.0 0.0 0.0 0.01 0.0 0.0 0
Fe 1.435 1.435 1.435 -0.01 0.0 0.0 1

1
Properties=Z:I:1:pos:R:3 Lattice="0 1.8075 1.8075 1.8075 0 1.8075 1.8075 1.8075 0" is_relaxed
29 0 0 0
`;
    const [fe, cu] = parseExtxyz(text);
    expect(fe?.species).toEqual(["Fe", "Fe"]);
    expect(
      maxFracDifference(fe?.fracCoords ?? [], [
        [0, 0, 0],
        [0.5, 0.5, 0.5],
      ]),
    ).toBeLessThan(1e-12);
    expect(cu?.species).toEqual(["Cu"]);
    expect(cu?.lattice[0]).toEqual([0, 1.8075, 1.8075]);
  });

  it("parses quoted, braced and bare values", () => {
    const kv = parseKeyValues(`a=1 B="x y" c={1 2 3} flag d="q\\"uote"`, 2);
    expect(Object.fromEntries(kv)).toEqual({ a: "1", b: "x y", c: "1 2 3", flag: "T", d: 'q"uote' });
  });

  it("errors name the line: no Lattice, short frame, bad atom count", () => {
    const cases: [string, number, RegExp][] = [
      [`1\nProperties=species:S:1:pos:R:3\nH 0 0 0\n`, 2, /no Lattice/],
      [`3\nLattice="3 0 0 0 3 0 0 0 3"\nH 0 0 0\nH 1 0 0\n`, 5, /declares 3 atoms but has only 2/],
      [`two\n`, 1, /number of atoms/],
      [`1\nLattice="3 0 0 0 3 0 0 0 3"\nQq 0 0 0\n`, 3, /not an element/],
    ];
    for (const [text, line, pattern] of cases) {
      let error: unknown;
      try {
        parseExtxyz(text);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(StructureFormatError);
      expect((error as StructureFormatError).line).toBe(line);
      expect((error as StructureFormatError).message).toMatch(pattern);
    }
  });
});

describe("writeExtxyz → parseExtxyz round trip", () => {
  const skewed: Crystal = {
    lattice: [
      [3.3, 0.0, 0.0],
      [-1.65, 2.857884, 0.0],
      [0.4, -0.2, 12.5],
    ],
    species: ["Mo", "S", "S"],
    fracCoords: [
      [1 / 3, 2 / 3, 0.25],
      [2 / 3, 1 / 3, 0.1234567],
      [2 / 3, 1 / 3, 0.3765433],
    ],
  };
  it("keeps lattice, species and fractional coordinates of several frames to 1e-6", () => {
    const frames = [skewed, bccConventional("Fe", 2.8665), parseCif(ANATASE_CIF)[0] as Crystal];
    const back = parseExtxyz(writeExtxyz(frames));
    expect(back).toHaveLength(3);
    back.forEach((c, i) => {
      const original = frames[i] as Crystal;
      expect(c.species).toEqual(original.species);
      expect(maxLatticeDifference(c.lattice, original.lattice)).toBeLessThan(1e-6);
      expect(maxFracDifference(c.fracCoords, original.fracCoords)).toBeLessThan(1e-6);
    });
  });

  it("the format registry round-trips every format by name", () => {
    for (const [name, format] of Object.entries(STRUCTURE_FORMATS)) {
      const [back] = format.parse(format.write(skewed, { title: "MoS2" }));
      expect(back?.species, name).toEqual(skewed.species);
      expect(maxFracDifference(back?.fracCoords ?? [], skewed.fracCoords), name).toBeLessThan(1e-6);
      expect(format.extension.startsWith("."), name).toBe(true);
    }
  });
});
