import { type Crystal, cartToFrac, latticeFromParameters, latticeParameters } from "./crystal";
import { type Mat3, matMul } from "./mat3";

/**
 * Textbook structures and comparison helpers shared by the structure tests (not used by
 * production code).
 *
 * Rutile TiO2: P4_2/mnm (136), a = 4.594 Å, c = 2.959 Å, Ti 2a (0,0,0), O 4f (x,x,0) with
 * x = 0.305. Anatase TiO2: I4_1/amd (141, origin choice 1), a = 3.785 Å, c = 9.514 Å,
 * Ti 4a (0,0,0), O 8e (0,0,z) with z = 0.2081 (Wyckoff, Crystal Structures; Horn et al.,
 * Z. Kristallogr. 136 (1972) 273). The symmetry operations are the general positions of
 * the International Tables (for 141, origin choice 1 including the I-centring
 * translations); the tests check that each list is closed under composition.
 */

export const RUTILE_OPERATIONS = [
  "x,y,z",
  "-x,-y,z",
  "-y+1/2,x+1/2,z+1/2",
  "y+1/2,-x+1/2,z+1/2",
  "-x+1/2,y+1/2,-z+1/2",
  "x+1/2,-y+1/2,-z+1/2",
  "y,x,-z",
  "-y,-x,-z",
  "-x,-y,-z",
  "x,y,-z",
  "y+1/2,-x+1/2,-z+1/2",
  "-y+1/2,x+1/2,-z+1/2",
  "x+1/2,-y+1/2,z+1/2",
  "-x+1/2,y+1/2,z+1/2",
  "-y,-x,z",
  "y,x,z",
];

export const ANATASE_OPERATIONS = [
  "x,y,z",
  "-x+1/2,-y+1/2,z+1/2",
  "-y+1/2,x,z+1/4",
  "y,-x+1/2,z+3/4",
  "-x+1/2,y,-z+1/4",
  "x,-y+1/2,-z+3/4",
  "y,x,-z",
  "-y+1/2,-x+1/2,-z+1/2",
  "-x,-y+1/2,-z+3/4",
  "x+1/2,y,-z+1/4",
  "y+1/2,-x+1/2,-z+1/2",
  "-y,x,-z",
  "x+1/2,-y+1/2,z+1/2",
  "-x,y,z",
  "-y,-x+1/2,z+3/4",
  "y+1/2,x,z+1/4",
  "x+1/2,y+1/2,z+1/2",
  "-x,-y,z",
  "-y,x+1/2,z+3/4",
  "y+1/2,-x,z+1/4",
  "-x,y+1/2,-z+3/4",
  "x+1/2,-y,-z+1/4",
  "y+1/2,x+1/2,-z+1/2",
  "-y,-x,-z",
  "-x+1/2,-y,-z+1/4",
  "x,y+1/2,-z+3/4",
  "y,-x,-z",
  "-y+1/2,x+1/2,-z+1/2",
  "x,-y,z",
  "-x+1/2,y+1/2,z+1/2",
  "-y+1/2,-x,z+1/4",
  "y,x+1/2,z+3/4",
];

function symopLoop(tag: string, ops: readonly string[]): string {
  return ["loop_", " _symmetry_equiv_pos_site_id", ` ${tag}`, ...ops.map((op, i) => `  ${i + 1}  '${op}'`)].join("\n");
}

/** Rutile as a CIF with uncertainties on the cell and the asymmetric unit only. */
export const RUTILE_CIF = `# Rutile, textbook Wyckoff positions
data_rutile
_chemical_name_mineral 'Rutile'
_symmetry_space_group_name_H-M 'P 42/m n m'
_cell_length_a 4.594(1)
_cell_length_b 4.594(1)
_cell_length_c 2.959(2)
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
${symopLoop("_symmetry_equiv_pos_as_xyz", RUTILE_OPERATIONS)}
loop_
 _atom_site_label
 _atom_site_type_symbol
 _atom_site_fract_x
 _atom_site_fract_y
 _atom_site_fract_z
 _atom_site_occupancy
 Ti1 Ti4+ 0.0 0.0 0.0 1.0
 O1 O2- 0.305(1) 0.305(1) 0.0 1.0
`;

/** Anatase, written with the newer `_space_group_symop_operation_xyz` tag and labels only. */
export const ANATASE_CIF = `data_anatase
_space_group_name_H-M_alt 'I 41/a m d :1'
_cell_length_a 3.785
_cell_length_b 3.785
_cell_length_c 9.514
_cell_angle_alpha 90.0
_cell_angle_beta 90.0
_cell_angle_gamma 90.0
${symopLoop("_space_group_symop_operation_xyz", ANATASE_OPERATIONS)}
loop_
 _atom_site_label
 _atom_site_fract_x
 _atom_site_fract_y
 _atom_site_fract_z
 Ti1 0 0 0
 O1 0 0 0.2081
`;

export function cubic(a: number): [number[], number[], number[]] {
  return [
    [a, 0, 0],
    [0, a, 0],
    [0, 0, a],
  ];
}

/** Conventional fcc cell (4 atoms). */
export function fccConventional(element: string, a: number): Crystal {
  return {
    lattice: cubic(a),
    species: [element, element, element, element],
    fracCoords: [
      [0, 0, 0],
      [0, 0.5, 0.5],
      [0.5, 0, 0.5],
      [0.5, 0.5, 0],
    ],
  };
}

/** Primitive fcc cell (1 atom), vectors (0,½,½)a, (½,0,½)a, (½,½,0)a. */
export function fccPrimitive(element: string, a: number): Crystal {
  const h = a / 2;
  return {
    lattice: [
      [0, h, h],
      [h, 0, h],
      [h, h, 0],
    ],
    species: [element],
    fracCoords: [[0, 0, 0]],
  };
}

/** Conventional bcc cell (2 atoms). */
export function bccConventional(element: string, a: number): Crystal {
  return {
    lattice: cubic(a),
    species: [element, element],
    fracCoords: [
      [0, 0, 0],
      [0.5, 0.5, 0.5],
    ],
  };
}

/** Rotation by `angleDeg` about the unit axis `u` (Rodrigues). */
export function rotationMatrix(axis: readonly number[], angleDeg: number): Mat3 {
  const n = Math.hypot(axis[0] as number, axis[1] as number, axis[2] as number);
  const [x, y, z] = [(axis[0] as number) / n, (axis[1] as number) / n, (axis[2] as number) / n];
  const t = (angleDeg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  const C = 1 - c;
  return [
    [c + x * x * C, x * y * C - z * s, x * z * C + y * s],
    [y * x * C + z * s, c + y * y * C, y * z * C - x * s],
    [z * x * C - y * s, z * y * C + x * s, c + z * z * C],
  ];
}

/** The crystal with its lattice rotated (Cartesian rows times Rᵀ) and strained by `strain` (Cartesian, 3×3). */
export function deform(crystal: Crystal, rotation: Mat3, strain: Mat3): Crystal {
  const rows = matMul(
    crystal.lattice,
    matMul(strain, rotation.map((_, i) => rotation.map((r) => r[i] as number)) as Mat3),
  );
  return {
    lattice: [[...rows[0]], [...rows[1]], [...rows[2]]],
    species: [...crystal.species],
    fracCoords: crystal.fracCoords.map((f) => [...f]),
  };
}

/** Largest |Δ| between fractional coordinates, modulo whole cell translations. */
export function maxFracDifference(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  let worst = 0;
  a.forEach((f, i) => {
    const g = b[i] as readonly number[];
    for (let k = 0; k < 3; k++) {
      const d = (f[k] as number) - (g[k] as number);
      worst = Math.max(worst, Math.abs(d - Math.round(d)));
    }
  });
  return worst;
}

/** Largest difference of lattice parameters (Å for lengths, degrees for angles). */
export function maxLatticeParameterDifference(a: Crystal["lattice"], b: Crystal["lattice"]): number {
  const p = latticeParameters(a);
  const q = latticeParameters(b);
  return Math.max(
    Math.abs(p.a - q.a),
    Math.abs(p.b - q.b),
    Math.abs(p.c - q.c),
    Math.abs(p.alphaDeg - q.alphaDeg),
    Math.abs(p.betaDeg - q.betaDeg),
    Math.abs(p.gammaDeg - q.gammaDeg),
  );
}

/** Largest |Δ| between lattice matrix entries, Å. */
export function maxLatticeDifference(a: Crystal["lattice"], b: Crystal["lattice"]): number {
  let worst = 0;
  for (let i = 0; i < 3; i++)
    for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs((a[i]?.[k] as number) - (b[i]?.[k] as number)));
  return worst;
}

/** Tiny converters from recorded database records (already parsed JSON) to `Crystal`, for the tests. */
export interface OptimadeStructure {
  id: string;
  attributes: { lattice_vectors: number[][]; cartesian_site_positions: number[][]; species_at_sites: string[] };
}
export function fromOptimade(r: OptimadeStructure): Crystal {
  const lattice = r.attributes.lattice_vectors.map((v) => [...v]) as Crystal["lattice"];
  return {
    lattice,
    species: [...r.attributes.species_at_sites],
    fracCoords: r.attributes.cartesian_site_positions.map((p) => [...cartToFrac(lattice, p)]),
  };
}
export interface AflowEntry {
  compound: string;
  geometry: string;
  species: string;
  composition: string;
  positions_fractional: string;
}
export function fromAflow(r: AflowEntry): Crystal {
  const [a, b, c, alpha, beta, gamma] = r.geometry.split(",").map(Number) as number[];
  const lattice = latticeFromParameters({ a: a!, b: b!, c: c!, alphaDeg: alpha!, betaDeg: beta!, gammaDeg: gamma! });
  const counts = r.composition.split(",").map(Number);
  const species = r.species.split(",").flatMap((s, i) => Array<string>(counts[i] as number).fill(s));
  return {
    lattice: lattice.map((v) => [...v]) as Crystal["lattice"],
    species,
    fracCoords: r.positions_fractional.split(";").map((p) => p.split(",").map(Number)),
  };
}
export interface JarvisEntry {
  jid: string;
  atoms: { lattice_mat: number[][]; coords: number[][]; elements: string[]; cartesian: boolean };
}
export function fromJarvis(r: JarvisEntry): Crystal {
  const lattice = r.atoms.lattice_mat.map((v) => [...v]) as Crystal["lattice"];
  return {
    lattice,
    species: [...r.atoms.elements],
    fracCoords: r.atoms.coords.map((p) => (r.atoms.cartesian ? [...cartToFrac(lattice, p)] : [...p])),
  };
}
export interface MpDoc {
  task_id?: string;
  material_id?: string;
  structure: { lattice: { matrix: number[][] }; sites: { abc: number[]; species: { element: string }[] }[] };
}
export function fromMp(r: MpDoc): Crystal {
  return {
    lattice: r.structure.lattice.matrix.map((v) => [...v]) as Crystal["lattice"],
    species: r.structure.sites.map((s) => s.species[0]?.element as string),
    fracCoords: r.structure.sites.map((s) => [...s.abc]),
  };
}
export interface OqmdEntry {
  name: string;
  spacegroup: string;
  unit_cell: number[][];
  sites: string[];
}
export function fromOqmd(r: OqmdEntry): Crystal {
  return {
    lattice: r.unit_cell.map((v) => [...v]) as Crystal["lattice"],
    species: r.sites.map((s) => s.split("@")[0]?.trim() as string),
    fracCoords: r.sites.map((s) => (s.split("@")[1] as string).trim().split(/\s+/).map(Number)),
  };
}
