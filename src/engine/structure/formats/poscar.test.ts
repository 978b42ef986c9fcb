import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SKIP_REASON, hasSharedData, sharedData } from "../../../../tests/support/shared-data";
import { Composition } from "../../chem/composition";
import { type Crystal, cellVolumeA3, crystalComposition, latticeFromParameters } from "../crystal";
import { StructureFormatError } from "../structure.errors";
import { fccConventional, maxFracDifference, maxLatticeDifference } from "../structure.test-support";
import { parseCif } from "./cif";
import { parsePoscar, writePoscar } from "./poscar";

function expectFormatError(run: () => unknown, line: number, pattern: RegExp): void {
  let error: unknown;
  try {
    run();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(StructureFormatError);
  expect((error as StructureFormatError).line).toBe(line);
  expect((error as StructureFormatError).message).toMatch(pattern);
}

const NACL_VASP5 = `NaCl rock salt
   5.64
     1.0 0.0 0.0
     0.0 1.0 0.0
     0.0 0.0 1.0
   Na Cl
   4 4
Selective dynamics
Direct
  0.0 0.0 0.0 T T T
  0.0 0.5 0.5 T T T
  0.5 0.0 0.5 F F F
  0.5 0.5 0.0 T T T
  0.5 0.5 0.5 T T T
  0.5 0.0 0.0 T T T
  0.0 0.5 0.0 T T T
  0.0 0.0 0.5 T T T
`;

describe("parsePoscar", () => {
  it("reads VASP 5 with species line, scale factor and selective dynamics", () => {
    const c = parsePoscar(NACL_VASP5);
    expect(c.species).toEqual(["Na", "Na", "Na", "Na", "Cl", "Cl", "Cl", "Cl"]);
    expect(c.lattice[0]).toEqual([5.64, 0, 0]);
    expect(c.fracCoords[2]).toEqual([0.5, 0, 0.5]);
  });

  it("a negative scale factor is the cell volume, and Cartesian coordinates are scaled with the lattice", () => {
    const text = `Cu fcc, Cartesian
 -47.241959
 1 0 0
 0 1 0
 0 0 1
 Cu
 4
Cartesian
 0 0 0
 0 0.5 0.5
 0.5 0 0.5
 0.5 0.5 0
`;
    const c = parsePoscar(text);
    expect(cellVolumeA3(c.lattice)).toBeCloseTo(47.241959, 9);
    expect(c.lattice[0]?.[0]).toBeCloseTo(Math.cbrt(47.241959), 12);
    expect(maxFracDifference(c.fracCoords, fccConventional("Cu", 3.615).fracCoords)).toBeLessThan(1e-12);
  });

  it("VASP 4 (no species line) takes the species argument, or site labels, and otherwise names the problem", () => {
    const vasp4 = NACL_VASP5.replace("   Na Cl\n", "");
    const c = parsePoscar(vasp4, ["Na_pv", "Cl"]);
    expect(c.species.slice(3, 5)).toEqual(["Na", "Cl"]);
    expectFormatError(() => parsePoscar(vasp4), 6, /no species line \(VASP 4 format\).*pass the species/);
    expectFormatError(() => parsePoscar(vasp4, ["Na"]), 6, /2 species counts but 1 species names/);
  });

  it("reports malformed files with the line", () => {
    expectFormatError(
      () => parsePoscar(NACL_VASP5.replace("     0.0 1.0 0.0", "     0.0 1.0")),
      4,
      /3 numbers for the lattice vector b/,
    );
    expectFormatError(() => parsePoscar(NACL_VASP5.replace("Direct", "Fractional")), 9, /neither Direct nor Cartesian/);
    expectFormatError(
      () => parsePoscar(NACL_VASP5.replace("  0.0 0.0 0.5 T T T\n", "")),
      17,
      /expected 8 site lines, found 7/,
    );
    expectFormatError(() => parsePoscar(NACL_VASP5.replace("   4 4", "   4 4 4")), 7, /3 counts for 2 species/);
  });
});

describe("writePoscar → parsePoscar round trip", () => {
  const interleaved: Crystal = {
    lattice: [
      [4.1, 0.3, 0],
      [-1.2, 3.9, 0.4],
      [0.2, -0.1, 6.7],
    ],
    species: ["O", "Ti", "O", "O", "Sr"],
    fracCoords: [
      [0.5, 0.5, 0.0],
      [0.5, 0.5, 0.5],
      [0.5, 0.0, 0.5],
      [0.0, 0.5, 0.5],
      [0.123456789012, 0.987654321098, 0.000001],
    ],
  };
  it.each([
    ["interleaved species (written as repeated runs)", interleaved],
    [
      "rutile from its CIF",
      parseCif(`data_r
_cell_length_a 4.594
_cell_length_b 4.594
_cell_length_c 2.959
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_atom_site_label
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Ti1 0 0 0
Ti2 0.5 0.5 0.5
O1 0.305 0.305 0
O2 0.695 0.695 0
O3 0.195 0.805 0.5
O4 0.805 0.195 0.5
`)[0] as Crystal,
    ],
    [
      "monoclinic from parameters",
      {
        lattice: latticeFromParameters({ a: 5.2, b: 5.3, c: 5.4, alphaDeg: 90, betaDeg: 99.3, gammaDeg: 90 }),
        species: ["Zr", "O", "O"],
        fracCoords: [
          [0.276, 0.04, 0.208],
          [0.07, 0.332, 0.345],
          [0.442, 0.755, 0.479],
        ],
      } as Crystal,
    ],
  ])("%s keeps lattice, species and fractional coordinates to 1e-6", (_name, crystal) => {
    const back = parsePoscar(writePoscar(crystal, { comment: "round trip" }));
    expect(back.species).toEqual(crystal.species);
    expect(maxLatticeDifference(back.lattice, crystal.lattice)).toBeLessThan(1e-6);
    expect(maxFracDifference(back.fracCoords, crystal.fracCoords)).toBeLessThan(1e-6);
  });
});

describe.skipIf(!hasSharedData)(
  "real CONTCARs from AFLOW records (aflowlib_entries_ael_agl_propnet_aflow_store.json)" + SKIP_REASON,
  () => {
    interface AflowRecord {
      compound: string;
      geometry: string;
      positions_fractional: string;
      CONTCAR_relax_vasp: string;
    }
    const records = (): AflowRecord[] =>
      JSON.parse(
        readFileSync(sharedData("fixtures", "aflow", "aflowlib_entries_ael_agl_propnet_aflow_store.json"), "utf8"),
      ) as AflowRecord[];

    it("VASP 4 CONTCARs with per-site labels read to the record's geometry and fractional positions", () => {
      const all = records();
      expect(all.length).toBe(3);
      for (const r of all) {
        const c = parsePoscar(r.CONTCAR_relax_vasp);
        const [a, b, cc, alpha, beta, gamma] = r.geometry.split(",").map(Number) as number[];
        const params = latticeFromParameters({
          a: a!,
          b: b!,
          c: cc!,
          alphaDeg: alpha!,
          betaDeg: beta!,
          gammaDeg: gamma!,
        });
        // The record rounds lengths to 1e-6 Å: compare volumes and fractional positions.
        expect(Math.abs(cellVolumeA3(c.lattice) / cellVolumeA3(params) - 1)).toBeLessThan(1e-5);
        const positions = r.positions_fractional.split(";").map((p) => p.split(",").map(Number));
        expect(maxFracDifference(c.fracCoords, positions)).toBeLessThan(1e-6);
        expect(crystalComposition(c).reducedFormula).toBe(Composition.parse(r.compound).reducedFormula);
      }
    });
  },
);
