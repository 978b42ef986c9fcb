import { elementByAtomicNumber, isElementSymbol } from "../../chem/elements";
import { type Crystal, cartToFrac, cartesianCoords, copyLattice, validateCrystal } from "../crystal";
import { type Mat3 } from "../mat3";
import { StructureFormatError } from "../structure.errors";
import { formatFixed, parseDecimal } from "./number-format";

/**
 * Extended XYZ (the ASE / QUIP convention) reader and writer for periodic frames.
 *
 * Units: lattice and positions Å (Cartesian).
 *
 * Each frame is a line with the number of atoms, a comment line of key=value pairs
 * (values bare, "double-quoted" or {braced}), then one line per atom whose columns are
 * described by `Properties=name:type:count:...` (types S string, R real, I integer,
 * L logical; default `species:S:1:pos:R:3`). `Lattice="ax ay az bx by bz cx cy cz"` is
 * required: a frame without it is a molecule, not a crystal. Species come from the
 * `species` column, else from an atomic-number column `Z:I:1`. Other properties
 * (forces, energies, ...) are read past and dropped.
 */

const FORMAT = "extended XYZ";

function fail(line: number, reason: string): never {
  throw new StructureFormatError(FORMAT, line, reason);
}

/** key=value pairs of an extxyz comment line; keys lower-cased, bare keys map to "T". */
export function parseKeyValues(text: string, line: number): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  const n = text.length;
  const skipSpace = (): void => {
    while (pos < n && /\s/.test(text[pos] as string)) pos++;
  };
  const readValue = (): string => {
    const ch = text[pos];
    if (ch === '"') {
      let value = "";
      pos++;
      while (pos < n && text[pos] !== '"') {
        if (text[pos] === "\\" && pos + 1 < n) pos++;
        value += text[pos];
        pos++;
      }
      if (pos >= n) fail(line, "unterminated double-quoted value");
      pos++;
      return value;
    }
    if (ch === "{") {
      const end = text.indexOf("}", pos);
      if (end < 0) fail(line, "unterminated {braced} value");
      const value = text.slice(pos + 1, end);
      pos = end + 1;
      return value;
    }
    const start = pos;
    while (pos < n && !/\s/.test(text[pos] as string)) pos++;
    return text.slice(start, pos);
  };
  for (;;) {
    skipSpace();
    if (pos >= n) break;
    const keyMatch = /^[A-Za-z_][\w\-.:]*?(?==|\s|$)/.exec(text.slice(pos));
    if (!keyMatch) fail(line, `cannot read a key at "${text.slice(pos, pos + 20)}"`);
    const key = keyMatch[0];
    pos += key.length;
    skipSpace();
    if (text[pos] === "=") {
      pos++;
      skipSpace();
      out.set(key.toLowerCase(), readValue());
    } else {
      out.set(key.toLowerCase(), "T");
    }
  }
  return out;
}

interface Column {
  name: string;
  type: string;
  start: number;
  count: number;
}

function parseProperties(spec: string, line: number): Column[] {
  const parts = spec.split(":");
  if (parts.length % 3 !== 0) fail(line, `Properties "${spec}" is not a list of name:type:count triples`);
  const columns: Column[] = [];
  let start = 0;
  for (let k = 0; k < parts.length; k += 3) {
    const name = (parts[k] as string).toLowerCase();
    const type = (parts[k + 1] as string).toUpperCase();
    const count = Number(parts[k + 2]);
    if (!["S", "R", "I", "L"].includes(type) || !Number.isInteger(count) || count < 1) {
      fail(line, `bad property "${parts[k]}:${parts[k + 1]}:${parts[k + 2]}"`);
    }
    columns.push({ name, type, start, count });
    start += count;
  }
  return columns;
}

export function parseExtxyz(text: string): Crystal[] {
  const lines = text.split(/\r\n|\r|\n/);
  const crystals: Crystal[] = [];
  let i = 0;
  while (i < lines.length) {
    const header = (lines[i] as string).trim();
    if (header === "") {
      i++;
      continue;
    }
    const headerLine = i + 1;
    if (!/^\d+$/.test(header)) fail(headerLine, `expected the number of atoms, found "${header}"`);
    const natoms = Number(header);
    const commentLine = i + 2;
    if (i + 1 >= lines.length) fail(headerLine, "frame has no comment line");
    const info = parseKeyValues(lines[i + 1] as string, commentLine);
    const latticeText = info.get("lattice");
    if (latticeText === undefined) fail(commentLine, 'no Lattice="..." key: a frame without a cell is not a crystal');
    const latticeValues = latticeText
      .trim()
      .split(/\s+/)
      .map((t) => parseDecimal(t));
    if (latticeValues.length !== 9 || latticeValues.some((v) => v === undefined)) {
      fail(commentLine, `Lattice must hold 9 numbers, found "${latticeText}"`);
    }
    const lv = latticeValues as number[];
    const lattice: Mat3 = [
      [lv[0] as number, lv[1] as number, lv[2] as number],
      [lv[3] as number, lv[4] as number, lv[5] as number],
      [lv[6] as number, lv[7] as number, lv[8] as number],
    ];
    const columns = parseProperties(info.get("properties") ?? "species:S:1:pos:R:3", commentLine);
    const width = columns.reduce((s, c) => s + c.count, 0);
    const pos = columns.find((c) => c.name === "pos" || c.name === "positions");
    if (!pos || pos.count !== 3 || pos.type !== "R") fail(commentLine, "Properties has no pos:R:3 column");
    const speciesCol = columns.find((c) => c.name === "species" && c.type === "S" && c.count === 1);
    const zCol = columns.find((c) => c.name === "z" && c.type === "I" && c.count === 1);
    if (!speciesCol && !zCol) fail(commentLine, "Properties has neither species:S:1 nor Z:I:1");

    const species: string[] = [];
    const cart: number[][] = [];
    for (let a = 0; a < natoms; a++) {
      const lineNo = i + 3 + a;
      const raw = lines[i + 2 + a];
      if (raw === undefined || raw.trim() === "") fail(lineNo, `frame declares ${natoms} atoms but has only ${a}`);
      const tokens = raw.trim().split(/\s+/);
      if (tokens.length < width) fail(lineNo, `expected ${width} columns, found ${tokens.length}`);
      const xyz = tokens.slice(pos.start, pos.start + 3).map((t) => parseDecimal(t));
      if (xyz.some((v) => v === undefined))
        fail(lineNo, `position "${tokens.slice(pos.start, pos.start + 3).join(" ")}" is not numeric`);
      cart.push(xyz as number[]);
      if (speciesCol) {
        const name = tokens[speciesCol.start] as string;
        const m = /^([A-Z][a-z]?)/.exec(name);
        if (!m || !isElementSymbol(m[1] as string)) fail(lineNo, `species "${name}" is not an element`);
        species.push(m[1] as string);
      } else {
        const z = Number(tokens[(zCol as Column).start]);
        try {
          species.push(elementByAtomicNumber(z).symbol);
        } catch (err) {
          throw new StructureFormatError(
            FORMAT,
            lineNo,
            `atomic number "${tokens[(zCol as Column).start]}" is not an element`,
            { cause: err },
          );
        }
      }
    }
    const crystal: Crystal = {
      lattice: copyLattice(lattice),
      species,
      fracCoords: cart.map((c) => [...cartToFrac(lattice, c)]),
    };
    try {
      validateCrystal(crystal);
    } catch (err) {
      throw new StructureFormatError(FORMAT, commentLine, err instanceof Error ? err.message : String(err), {
        cause: err,
      });
    }
    crystals.push(crystal);
    i += 2 + natoms;
  }
  if (crystals.length === 0) fail(0, "no frames");
  return crystals;
}

export function writeExtxyz(crystals: readonly Crystal[]): string {
  const out: string[] = [];
  for (const crystal of crystals) {
    validateCrystal(crystal);
    const latticeText = crystal.lattice
      .flat()
      .map((x) => formatFixed(x, 12))
      .join(" ");
    out.push(String(crystal.species.length));
    out.push(`Lattice="${latticeText}" Properties=species:S:1:pos:R:3 pbc="T T T"`);
    cartesianCoords(crystal).forEach((c, i) => {
      out.push(
        `${(crystal.species[i] as string).padEnd(3)} ${c.map((x) => formatFixed(x, 12).padStart(20)).join(" ")}`,
      );
    });
  }
  return out.join("\n") + "\n";
}
