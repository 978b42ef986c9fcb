import { isElementSymbol } from "../../chem/elements";
import {
  type Crystal,
  cellVolumeA3,
  copyLattice,
  crystalComposition,
  latticeFromParameters,
  latticeParameters,
  validateCrystal,
  wrapFrac,
} from "../crystal";
import { type Vec3 } from "../mat3";
import { minImageDistance } from "../periodic";
import { InvalidCrystalError, StructureFormatError } from "../structure.errors";
import { applySymmetryOperation, parseSymmetryOperation, type SymmetryOperation } from "../symmetry-operation";
import { formatFixed, parseDecimal } from "./number-format";

/**
 * CIF 1.1 reader and P1 writer for ordered crystals.
 *
 * Units: cell lengths Å, angles degrees, coordinates fractional.
 *
 * Reading: every data block holding a cell and an `_atom_site_fract_*` loop gives one
 * crystal (blocks without atom sites, e.g. a publication block, are skipped). Species
 * come from `_atom_site_type_symbol` (charges such as "Fe3+" stripped), else from
 * `_atom_site_label` ("Ti1" → Ti). Standard uncertainties "5.4307(2)" are dropped. The
 * symmetry operations (`_symmetry_equiv_pos_as_xyz` or `_space_group_symop_operation_xyz`)
 * are applied to every listed site and images closer than 0.05 Å to an existing site of
 * the same species are merged, giving the full cell. Partial occupancy (|occ − 1| > 0.01)
 * and two different species on one position are reported as errors, not guessed at: a
 * `Crystal` holds ordered sites only. A space group other than P1 given by name only,
 * without operations, is an error too (no space-group tables here).
 *
 * Writing: one data block in P1 with all sites listed, lengths to 1e-10 Å and coordinates
 * to 1e-12, so a written file reads back to the same lattice parameters, species and
 * fractional coordinates (well within 1e-6). CIF stores lattice parameters, not vectors:
 * the lattice read back is the same cell in the standard orientation (a along x, b in
 * the xy plane).
 */

const FORMAT = "CIF";
/** Symmetry images closer than this to an existing site are the same site (Å): loose enough
 * for coordinates rounded to three decimals (0.333 for 1/3), far below any real
 * interatomic distance. */
const MERGE_TOLERANCE_A = 0.05;
const OCCUPANCY_TOLERANCE = 0.01;

interface Token {
  text: string;
  line: number;
  /** Quoted strings and text fields are always values, never keywords or tags. */
  literal: boolean;
}

interface Item {
  value: Token;
  line: number;
}

interface Loop {
  tags: string[];
  rows: Token[][];
  line: number;
}

interface Block {
  name: string;
  line: number;
  items: Map<string, Item>;
  loops: Loop[];
}

function fail(line: number, reason: string): never {
  throw new StructureFormatError(FORMAT, line, reason);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const lineNo = i + 1;
    if (line.startsWith(";")) {
      // Semicolon text field: runs to the next line that starts with ";".
      const parts = [line.slice(1)];
      let j = i + 1;
      while (j < lines.length && !(lines[j] as string).startsWith(";")) {
        parts.push(lines[j] as string);
        j++;
      }
      if (j >= lines.length) fail(lineNo, "text field opened with ';' is never closed");
      tokens.push({ text: parts.join("\n").trim(), line: lineNo, literal: true });
      // Anything after the closing ";" on its line is read as ordinary tokens.
      tokenizeLine((lines[j] as string).slice(1), j + 1, tokens);
      i = j;
      continue;
    }
    tokenizeLine(line, lineNo, tokens);
  }
  return tokens;
}

function tokenizeLine(line: string, lineNo: number, tokens: Token[]): void {
  let pos = 0;
  while (pos < line.length) {
    const ch = line[pos] as string;
    if (ch === " " || ch === "\t") {
      pos++;
      continue;
    }
    if (ch === "#") return;
    if (ch === "'" || ch === '"') {
      // A quote closes only when followed by whitespace or the end of the line.
      let end = pos + 1;
      for (;;) {
        end = line.indexOf(ch, end);
        if (end < 0) fail(lineNo, `unterminated ${ch === "'" ? "single" : "double"}-quoted string`);
        const after = line[end + 1];
        if (after === undefined || after === " " || after === "\t") break;
        end++;
      }
      tokens.push({ text: line.slice(pos + 1, end), line: lineNo, literal: true });
      pos = end + 1;
      continue;
    }
    let end = pos;
    while (end < line.length && line[end] !== " " && line[end] !== "\t") end++;
    tokens.push({ text: line.slice(pos, end), line: lineNo, literal: false });
    pos = end;
  }
}

const isTag = (t: Token): boolean => !t.literal && t.text.startsWith("_");
const keyword = (t: Token): string | undefined => {
  if (t.literal) return undefined;
  const lower = t.text.toLowerCase();
  if (lower.startsWith("data_")) return "data_";
  if (lower === "loop_" || lower === "global_" || lower === "stop_") return lower;
  if (lower.startsWith("save_")) return "save_";
  return undefined;
};

/** Tags compared case-insensitively, with the DDLm "." written as "_". */
const normaliseTag = (tag: string): string => tag.toLowerCase().replace(/\./g, "_");

function parseBlocks(text: string): Block[] {
  const tokens = tokenize(text);
  const blocks: Block[] = [];
  let block: Block | undefined;
  let i = 0;
  const requireBlock = (t: Token): Block => {
    if (!block) fail(t.line, `"${t.text}" appears before any data_ block`);
    return block;
  };
  while (i < tokens.length) {
    const t = tokens[i] as Token;
    const kw = keyword(t);
    if (kw === "data_") {
      block = { name: t.text.slice(5), line: t.line, items: new Map(), loops: [] };
      blocks.push(block);
      i++;
      continue;
    }
    if (kw === "global_" || kw === "save_" || kw === "stop_") {
      i++;
      continue;
    }
    if (kw === "loop_") {
      const b = requireBlock(t);
      i++;
      const tags: string[] = [];
      while (i < tokens.length && isTag(tokens[i] as Token)) {
        tags.push(normaliseTag((tokens[i] as Token).text));
        i++;
      }
      if (tags.length === 0) fail(t.line, "loop_ without tags");
      const values: Token[] = [];
      while (i < tokens.length && !isTag(tokens[i] as Token) && keyword(tokens[i] as Token) === undefined) {
        values.push(tokens[i] as Token);
        i++;
      }
      if (values.length % tags.length !== 0) {
        const last = values[values.length - 1];
        fail(
          last?.line ?? t.line,
          `loop starting at line ${t.line} has ${values.length} values, not a multiple of its ${tags.length} tags`,
        );
      }
      const rows: Token[][] = [];
      for (let r = 0; r < values.length; r += tags.length) rows.push(values.slice(r, r + tags.length));
      b.loops.push({ tags, rows, line: t.line });
      continue;
    }
    if (isTag(t)) {
      const b = requireBlock(t);
      const value = tokens[i + 1];
      if (!value || isTag(value) || keyword(value) !== undefined) fail(t.line, `tag ${t.text} has no value`);
      b.items.set(normaliseTag(t.text), { value, line: t.line });
      i += 2;
      continue;
    }
    fail(t.line, `unexpected value "${t.text}" (not after a tag or inside a loop)`);
  }
  return blocks;
}

/** "5.4307(2)" → 5.4307; "?" and "." (unknown / not applicable) → undefined. */
function readNumber(token: Token, what: string): number | undefined {
  const text = token.text.trim();
  if (text === "?" || text === ".") return undefined;
  const value = parseDecimal(text.replace(/\(\d+\)$/, ""));
  if (value === undefined) fail(token.line, `${what} "${text}" is not a number`);
  return value;
}

/** Element of a type symbol or label: "Fe3+", "O2-", "Ti1", "OW1" → Fe, O, Ti, O. */
function elementOf(token: Token, what: string): string {
  const letters = /^([A-Za-z])([A-Za-z]?)/.exec(token.text.trim());
  if (letters) {
    const one = (letters[1] as string).toUpperCase();
    const two = one + (letters[2] as string).toLowerCase();
    if (letters[2] && isElementSymbol(two)) return two;
    if (isElementSymbol(one)) return one;
  }
  fail(token.line, `${what} "${token.text}" does not name an element`);
}

const SYMOP_TAGS = ["_symmetry_equiv_pos_as_xyz", "_space_group_symop_operation_xyz"];
const SPACE_GROUP_NAME_TAGS = ["_symmetry_space_group_name_h-m", "_space_group_name_h-m_alt"];

function symmetryOperations(block: Block): SymmetryOperation[] {
  const tokens: Token[] = [];
  for (const tag of SYMOP_TAGS) {
    const loop = block.loops.find((l) => l.tags.includes(tag));
    if (loop) {
      const col = loop.tags.indexOf(tag);
      for (const row of loop.rows) tokens.push(row[col] as Token);
      break;
    }
    const item = block.items.get(tag);
    if (item) {
      tokens.push(item.value);
      break;
    }
  }
  if (tokens.length === 0) {
    for (const tag of SPACE_GROUP_NAME_TAGS) {
      const name = block.items.get(tag);
      if (name && !/^p\s*1$/i.test(name.value.text.trim()) && !["?", "."].includes(name.value.text.trim())) {
        fail(
          name.line,
          `space group "${name.value.text}" is given without symmetry operations (_symmetry_equiv_pos_as_xyz); cannot expand the asymmetric unit`,
        );
      }
    }
    return [parseSymmetryOperation("x,y,z")];
  }
  return tokens.map((t) => {
    try {
      return parseSymmetryOperation(t.text);
    } catch (err) {
      throw new StructureFormatError(FORMAT, t.line, err instanceof Error ? err.message : String(err), { cause: err });
    }
  });
}

function requiredNumber(block: Block, tag: string): number {
  const item = block.items.get(tag);
  if (!item) fail(block.line, `data block "${block.name}" has no ${tag}`);
  const value = readNumber(item.value, tag);
  if (value === undefined) fail(item.line, `${tag} is unknown ("${item.value.text}")`);
  return value;
}

function crystalFromBlock(block: Block): Crystal | undefined {
  const siteLoop = block.loops.find((l) => l.tags.includes("_atom_site_fract_x"));
  if (!siteLoop) {
    if (block.loops.some((l) => l.tags.includes("_atom_site_cartn_x"))) {
      fail(
        block.line,
        `data block "${block.name}" gives Cartesian atom sites only; fractional coordinates are required`,
      );
    }
    return undefined;
  }
  const p = {
    a: requiredNumber(block, "_cell_length_a"),
    b: requiredNumber(block, "_cell_length_b"),
    c: requiredNumber(block, "_cell_length_c"),
    alphaDeg: requiredNumber(block, "_cell_angle_alpha"),
    betaDeg: requiredNumber(block, "_cell_angle_beta"),
    gammaDeg: requiredNumber(block, "_cell_angle_gamma"),
  };
  let lattice;
  try {
    lattice = latticeFromParameters(p);
  } catch (err) {
    if (err instanceof InvalidCrystalError)
      throw new StructureFormatError(FORMAT, block.line, err.message, { cause: err });
    throw err;
  }
  const col = (tag: string): number => siteLoop.tags.indexOf(tag);
  const [cx, cy, cz] = ["_atom_site_fract_x", "_atom_site_fract_y", "_atom_site_fract_z"].map(col) as [
    number,
    number,
    number,
  ];
  if (cy < 0 || cz < 0) fail(siteLoop.line, "atom site loop lacks _atom_site_fract_y or _atom_site_fract_z");
  const typeCol = col("_atom_site_type_symbol");
  const labelCol = col("_atom_site_label");
  if (typeCol < 0 && labelCol < 0)
    fail(siteLoop.line, "atom site loop has neither _atom_site_type_symbol nor _atom_site_label");
  const occCol = col("_atom_site_occupancy");
  const ops = symmetryOperations(block);

  const species: string[] = [];
  const fracCoords: Vec3[] = [];
  const origin: number[] = [];
  siteLoop.rows.forEach((row, r) => {
    const typeKnown = typeCol >= 0 && !["?", "."].includes((row[typeCol] as Token).text);
    const useType = typeKnown || labelCol < 0;
    const element = elementOf(row[useType ? typeCol : labelCol] as Token, useType ? "type symbol" : "label");
    if (occCol >= 0) {
      const occ = readNumber(row[occCol] as Token, "occupancy");
      if (occ !== undefined && Math.abs(occ - 1) > OCCUPANCY_TOLERANCE) {
        fail(
          (row[occCol] as Token).line,
          `site "${(row[labelCol >= 0 ? labelCol : typeCol] as Token).text}" has partial occupancy ${occ}; only ordered structures are supported`,
        );
      }
    }
    const f = [cx, cy, cz].map((c, k) => {
      const v = readNumber(row[c] as Token, `fractional coordinate ${"xyz"[k]}`);
      if (v === undefined) fail((row[c] as Token).line, `fractional coordinate ${"xyz"[k]} is unknown`);
      return v;
    });
    for (const op of ops) {
      const image = wrapFrac(applySymmetryOperation(op, f));
      let duplicate = false;
      for (let s = 0; s < fracCoords.length; s++) {
        const other = fracCoords[s] as Vec3;
        const d = minImageDistance(lattice, [image[0] - other[0], image[1] - other[1], image[2] - other[2]]);
        if (d < MERGE_TOLERANCE_A) {
          if (species[s] !== element) {
            fail(
              (row[cx] as Token).line,
              `site ${r + 1} (${element}) falls on site ${(origin[s] as number) + 1} (${species[s]}): mixed occupancy is not supported`,
            );
          }
          duplicate = true;
          break;
        }
      }
      if (!duplicate) {
        species.push(element);
        fracCoords.push(image);
        origin.push(r);
      }
    }
  });
  if (species.length === 0) fail(siteLoop.line, `data block "${block.name}" has no atom sites`);
  const crystal: Crystal = { lattice: copyLattice(lattice), species, fracCoords: fracCoords.map((f) => [...f]) };
  validateCrystal(crystal);
  return crystal;
}

export function parseCif(text: string): Crystal[] {
  const blocks = parseBlocks(text);
  if (blocks.length === 0) fail(0, "no data_ block");
  const crystals: Crystal[] = [];
  for (const block of blocks) {
    const crystal = crystalFromBlock(block);
    if (crystal) crystals.push(crystal);
  }
  if (crystals.length === 0) fail(0, "no data block with a cell and _atom_site_fract_x/y/z sites");
  return crystals;
}

/** A data-block name: CIF names may not contain whitespace. */
function blockName(title: string): string {
  const name = title.trim().replace(/\s+/g, "_");
  return name === "" ? "structure" : name;
}

function quote(text: string): string {
  return text.includes("'") ? `"${text}"` : `'${text}'`;
}

export function writeCif(crystal: Crystal, options: { title?: string } = {}): string {
  validateCrystal(crystal);
  const composition = crystalComposition(crystal);
  const p = latticeParameters(crystal.lattice);
  const formulaSum = [...composition.amounts].map(([el, n]) => `${el}${n}`).join(" ");
  const counters = new Map<string, number>();
  const lines = [
    "# written by MatGraph",
    `data_${blockName(options.title ?? composition.reducedFormula)}`,
    "_symmetry_space_group_name_H-M   'P 1'",
    "_symmetry_Int_Tables_number   1",
    `_cell_length_a   ${formatFixed(p.a, 10)}`,
    `_cell_length_b   ${formatFixed(p.b, 10)}`,
    `_cell_length_c   ${formatFixed(p.c, 10)}`,
    `_cell_angle_alpha   ${formatFixed(p.alphaDeg, 10)}`,
    `_cell_angle_beta   ${formatFixed(p.betaDeg, 10)}`,
    `_cell_angle_gamma   ${formatFixed(p.gammaDeg, 10)}`,
    `_cell_volume   ${formatFixed(cellVolumeA3(crystal.lattice), 6)}`,
    `_chemical_formula_structural   ${quote(composition.reducedFormula)}`,
    `_chemical_formula_sum   ${quote(formulaSum)}`,
    "loop_",
    " _symmetry_equiv_pos_site_id",
    " _symmetry_equiv_pos_as_xyz",
    "  1  'x, y, z'",
    "loop_",
    " _atom_site_type_symbol",
    " _atom_site_label",
    " _atom_site_symmetry_multiplicity",
    " _atom_site_fract_x",
    " _atom_site_fract_y",
    " _atom_site_fract_z",
    " _atom_site_occupancy",
  ];
  crystal.species.forEach((el, i) => {
    const n = (counters.get(el) ?? 0) + 1;
    counters.set(el, n);
    const f = crystal.fracCoords[i] as number[];
    lines.push(`  ${el}  ${el}${n}  1  ${f.map((x) => formatFixed(x, 12)).join("  ")}  1`);
  });
  return lines.join("\n") + "\n";
}
