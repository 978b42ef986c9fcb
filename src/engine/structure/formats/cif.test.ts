import { describe, expect, it } from "vitest";
import { type Crystal, cartesianCoords, crystalComposition, latticeParameters } from "../crystal";
import { StructureFormatError } from "../structure.errors";
import {
  ANATASE_CIF,
  ANATASE_OPERATIONS,
  RUTILE_CIF,
  RUTILE_OPERATIONS,
  fccConventional,
  maxFracDifference,
  maxLatticeParameterDifference,
} from "../structure.test-support";
import { applySymmetryOperation, parseSymmetryOperation } from "../symmetry-operation";
import { parseCif, writeCif } from "./cif";

/** Sorted lengths of all bonds from site `i` to sites of `species` shorter than `cutoffA`, over periodic images. */
function bondLengths(c: Crystal, i: number, species: string, cutoffA: number): number[] {
  const cart = cartesianCoords(c);
  const origin = cart[i] as number[];
  const out: number[] = [];
  cart.forEach((p, j) => {
    if (c.species[j] !== species) return;
    for (let u = -2; u <= 2; u++) {
      for (let v = -2; v <= 2; v++) {
        for (let w = -2; w <= 2; w++) {
          const shift = [0, 1, 2].map((k) => u * c.lattice[0][k]! + v * c.lattice[1][k]! + w * c.lattice[2][k]!);
          const d = Math.hypot(
            p[0]! + shift[0]! - origin[0]!,
            p[1]! + shift[1]! - origin[1]!,
            p[2]! + shift[2]! - origin[2]!,
          );
          if (d > 1e-9 && d < cutoffA) out.push(d);
        }
      }
    }
  });
  return out.sort((x, y) => x - y);
}

function expectClosedGroup(ops: readonly string[]): void {
  // A probe point in general position: the product of two operations must map it where
  // some listed operation does (modulo lattice translations).
  const probe = [0.1234, 0.3456, 0.789];
  const images = ops.map((o) => applySymmetryOperation(parseSymmetryOperation(o), probe));
  for (const a of ops) {
    for (const b of ops) {
      const ab = applySymmetryOperation(
        parseSymmetryOperation(a),
        applySymmetryOperation(parseSymmetryOperation(b), probe),
      );
      const found = images.some((im) =>
        im.every((x, k) => Math.abs(((((x - ab[k]! + 0.5) % 1) + 1) % 1) - 0.5) < 1e-9),
      );
      expect(found, `${a} ∘ ${b}`).toBe(true);
    }
  }
}

describe("symmetry operations", () => {
  it("reads Jones-faithful notation with fractions, decimals and mixed terms", () => {
    const op = parseSymmetryOperation("-y+1/2, x-y, 0.25+Z");
    expect(op.rotation).toEqual([
      [0, -1, 0],
      [1, -1, 0],
      [0, 0, 1],
    ]);
    expect(op.translation).toEqual([0.5, 0, 0.25]);
    expect(() => parseSymmetryOperation("x,y")).toThrow(/three/);
    expect(() => parseSymmetryOperation("x,y,w")).toThrow(/cannot read/);
  });

  it("the rutile and anatase operation lists used below are groups", () => {
    expect(RUTILE_OPERATIONS).toHaveLength(16);
    expect(ANATASE_OPERATIONS).toHaveLength(32);
    expectClosedGroup(RUTILE_OPERATIONS);
    expectClosedGroup(ANATASE_OPERATIONS);
  });
});

describe("parseCif", () => {
  it("expands rutile from its asymmetric unit: 2 Ti + 4 O with the textbook Ti–O bond lengths", () => {
    const [rutile] = parseCif(RUTILE_CIF);
    if (!rutile) throw new Error("no crystal");
    expect(crystalComposition(rutile).reducedFormula).toBe("O2Ti");
    expect(rutile.species.filter((s) => s === "Ti")).toHaveLength(2);
    expect(rutile.species.filter((s) => s === "O")).toHaveLength(4);
    const p = latticeParameters(rutile.lattice);
    expect(p.a).toBeCloseTo(4.594, 10); // the "(1)" uncertainty is stripped
    expect(p.c).toBeCloseTo(2.959, 10);
    // Octahedron: four equatorial bonds sqrt(2((½−x)a)² + (c/2)²) and two apical √2·x·a.
    const [a, c, x] = [4.594, 2.959, 0.305];
    const equatorial = Math.sqrt(2 * ((0.5 - x) * a) ** 2 + (c / 2) ** 2);
    const apical = Math.SQRT2 * x * a;
    const bonds = bondLengths(rutile, rutile.species.indexOf("Ti"), "O", 2.5);
    expect(bonds).toHaveLength(6);
    for (const d of bonds.slice(0, 4)) expect(d).toBeCloseTo(equatorial, 9);
    for (const d of bonds.slice(4)) expect(d).toBeCloseTo(apical, 9);
  });

  it("expands anatase (I-centred, 32 operations): 4 Ti + 8 O, Ti–O 1.934 Å ×4 and 1.980 Å ×2", () => {
    const [anatase] = parseCif(ANATASE_CIF);
    if (!anatase) throw new Error("no crystal");
    expect(anatase.species.filter((s) => s === "Ti")).toHaveLength(4);
    expect(anatase.species.filter((s) => s === "O")).toHaveLength(8);
    // Equatorial bonds sqrt((a/2)² + (c/4 − z·c)²) = 1.934 Å, apical z·c = 1.980 Å.
    const [a, c, z] = [3.785, 9.514, 0.2081];
    const bonds = bondLengths(anatase, anatase.species.indexOf("Ti"), "O", 2.5);
    expect(bonds).toHaveLength(6);
    for (const d of bonds.slice(0, 4)) expect(d).toBeCloseTo(Math.sqrt((a / 2) ** 2 + (c / 4 - z * c) ** 2), 9);
    for (const d of bonds.slice(4)) expect(d).toBeCloseTo(z * c, 9);
  });

  it("reads several data blocks, skips blocks without atom sites, and handles quotes, comments and text fields", () => {
    const text = `data_global
_publ_section_title
;
 A title with 'quotes' and a # hash
;
_journal_name_full 'Physical Review B'
data_Cu   # fcc copper
_cell_length_a 3.615
_cell_length_b 3.615
_cell_length_c 3.615
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'F m -3 m'
loop_
_symmetry_equiv_pos_as_xyz
'x, y, z'
'x, y+1/2, z+1/2'
'x+1/2, y, z+1/2'
"x+1/2, y+1/2, z"
loop_
_atom_site_type_symbol
_atom_site_label
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Cu Cu1 0 0 0
data_Po
_cell_length_a 3.359
_cell_length_b 3.359
_cell_length_c 3.359
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_atom_site_label
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Po1 0.5 0.5 0.5
`;
    const crystals = parseCif(text);
    expect(crystals).toHaveLength(2);
    expect(crystals[0]?.species).toEqual(["Cu", "Cu", "Cu", "Cu"]);
    expect(maxFracDifference(crystals[0]?.fracCoords ?? [], fccConventional("Cu", 3.615).fracCoords)).toBeLessThan(
      1e-12,
    );
    expect(crystals[1]?.species).toEqual(["Po"]);
  });

  it("labels name elements: Os1 is osmium, OW1 is oxygen, and charges are stripped from type symbols", () => {
    const text = `data_x
_cell_length_a 5
_cell_length_b 5
_cell_length_c 5
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_atom_site_label
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Os1 0 0 0
OW1 0.5 0.5 0.5
Fe3+ 0.25 0.25 0.25
`;
    expect(parseCif(text)[0]?.species).toEqual(["Os", "O", "Fe"]);
  });

  function expectFormatError(text: string, line: number, pattern: RegExp): void {
    let error: unknown;
    try {
      parseCif(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StructureFormatError);
    const e = error as StructureFormatError;
    expect(e.code).toBe("STRUCTURE_FORMAT");
    expect(e.line).toBe(line);
    expect(e.message).toMatch(pattern);
    expect(e.message).toContain(`line ${line}`);
  }

  const CELL = `_cell_length_a 4
_cell_length_b 4
_cell_length_c 4
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90`;

  it("reports syntax errors with the line: unterminated quote, loop with a missing value, tag without value, stray value", () => {
    expectFormatError(`data_x\n${CELL}\n_chemical_name_common 'NaCl\n`, 8, /unterminated single-quoted/);
    expectFormatError(
      `data_x\n${CELL}\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNa1 0 0 0\nCl1 0.5 0.5\n`,
      14,
      /has 7 values, not a multiple of its 4 tags/,
    );
    expectFormatError(`data_x\n_cell_length_a\n_cell_length_b 4\n`, 2, /_cell_length_a has no value/);
    expectFormatError(`data_x\n${CELL}\n4.5\n`, 8, /unexpected value "4.5"/);
    expectFormatError(
      `data_x\n${CELL.replace("_cell_length_b 4", "_cell_length_b 4.0(")}\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNa1 0 0 0\n`,
      3,
      /_cell_length_b "4.0\(" is not a number/,
    );
    expectFormatError(`data_x\n;\nnever closed\n`, 2, /never closed/);
  });

  it("refuses partial occupancy, mixed sites, and a space group without operations, naming the line", () => {
    const sites = `loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy`;
    expectFormatError(`data_x\n${CELL}\n${sites}\nFe1 0 0 0 0.5\n`, 14, /partial occupancy 0.5/);
    expectFormatError(`data_x\n${CELL}\n${sites}\nFe1 0 0 0 1\nNi1 0 0 0 1\n`, 15, /mixed occupancy/);
    expectFormatError(
      `data_x\n${CELL}\n_symmetry_space_group_name_H-M 'F m -3 m'\n${sites}\nCu1 0 0 0 1\n`,
      8,
      /without symmetry operations/,
    );
  });
});

describe("writeCif → parseCif round trip", () => {
  const triclinic: Crystal = {
    lattice: [
      [5.1, 0.2, -0.3],
      [1.3, 6.2, 0.1],
      [-0.7, 1.1, 7.3],
    ],
    species: ["Ca", "Ti", "O", "O", "O"],
    fracCoords: [
      [0.01, 0.02, 0.03],
      [0.5123456789, 0.4987654321, 0.5011111111],
      [0.25, 0.75, 0.123456789012],
      [0.7, 0.3, 0.999999],
      [0.1, 0.9, 0.4],
    ],
  };

  it.each([
    ["triclinic CaTiO3-like cell", triclinic],
    ["fcc Cu", fccConventional("Cu", 3.615)],
    ["rutile from its CIF", parseCif(RUTILE_CIF)[0] as Crystal],
    ["anatase from its CIF", parseCif(ANATASE_CIF)[0] as Crystal],
  ])("%s keeps lattice parameters, species and fractional coordinates to 1e-6", (_name, crystal) => {
    const text = writeCif(crystal, { title: "round trip" });
    expect(text).toContain("data_round_trip");
    const [back] = parseCif(text);
    if (!back) throw new Error("nothing read back");
    expect(back.species).toEqual(crystal.species);
    expect(maxLatticeParameterDifference(back.lattice, crystal.lattice)).toBeLessThan(1e-6);
    expect(maxFracDifference(back.fracCoords, crystal.fracCoords)).toBeLessThan(1e-6);
    // Same cell up to a rotation: the interatomic distances agree too.
    const c0 = cartesianCoords(crystal);
    const c1 = cartesianCoords(back);
    const dist = (c: number[][], i: number, j: number): number =>
      Math.hypot(c[i]![0]! - c[j]![0]!, c[i]![1]! - c[j]![1]!, c[i]![2]! - c[j]![2]!);
    for (let i = 1; i < c0.length; i++) expect(Math.abs(dist(c0, 0, i) - dist(c1, 0, i))).toBeLessThan(1e-6);
  });
});
