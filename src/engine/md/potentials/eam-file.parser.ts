/**
 * Readers for the three EAM table formats, as LAMMPS reads them (pair_eam.cpp,
 * pair_eam_alloy.cpp, pair_eam_fs.cpp): values are whitespace-separated and may wrap
 * over lines; a block of n values is read line by line and any extra values on its
 * last line are ignored, exactly as LAMMPS' TextFileReader::next_dvector does.
 *
 * - DYNAMO funcfl (*.eam): one element; F(ρ) (eV), Z(r) (effective charge in
 *   √(Hartree·Bohr)), ρ(r).
 * - setfl (*.eam.alloy): N elements; per element F(ρ), ρ(r); then r·φ(r) (eV·Å) for i ≥ j.
 * - Finnis–Sinclair (*.eam.fs): as setfl but per element N density functions ρ_ij(r).
 * Arrays are returned 1-indexed (index 0 unused) to mirror the LAMMPS code they feed.
 */
import { elementByAtomicNumber, isElementSymbol } from "../../chem/elements";
import { PotentialFormatError } from "../core/errors";

export interface FuncflFile {
  readonly element: string;
  readonly atomicNumber: number;
  readonly mass: number;
  readonly a0: number;
  readonly lattice: string;
  readonly nrho: number;
  readonly drho: number;
  readonly nr: number;
  readonly dr: number;
  readonly cut: number;
  readonly frho: Float64Array;
  readonly zr: Float64Array;
  readonly rhor: Float64Array;
}

export interface SetflFile {
  readonly format: "setfl" | "fs";
  readonly elements: readonly string[];
  readonly masses: readonly number[];
  readonly a0: readonly number[];
  readonly lattices: readonly string[];
  readonly nrho: number;
  readonly drho: number;
  readonly nr: number;
  readonly dr: number;
  readonly cut: number;
  /** frho[e] */
  readonly frho: readonly Float64Array[];
  /** setfl: rhor[e][0]; fs: rhor[e][j] for j in elements. */
  readonly rhor: readonly (readonly Float64Array[])[];
  /** z2r[i][j] for j ≤ i (r·φ in eV·Å). */
  readonly z2r: readonly (readonly Float64Array[])[];
}

class LineReader {
  private index = 0;
  constructor(
    private readonly lines: readonly string[],
    private readonly what: string,
  ) {}

  line(): string[] {
    while (this.index < this.lines.length) {
      const tokens = (this.lines[this.index++] ?? "").trim().split(/\s+/).filter(Boolean);
      if (tokens.length > 0) return tokens;
    }
    throw new PotentialFormatError(`${this.what}: unexpected end of file`);
  }

  skip(count: number): void {
    if (this.index + count > this.lines.length) throw new PotentialFormatError(`${this.what}: file too short`);
    this.index += count;
  }

  values(n: number): Float64Array {
    const out = new Float64Array(n + 1);
    let i = 0;
    while (i < n) {
      const tokens = this.line();
      for (const t of tokens) {
        if (i >= n) break;
        out[++i] = num(t, this.what);
      }
    }
    return out;
  }
}

function num(token: string | undefined, what: string): number {
  // Fortran-style exponents ("1.0D-03") appear in old tables.
  const v = Number((token ?? "").replace(/[dD]/, "e"));
  if (token === undefined || !Number.isFinite(v))
    throw new PotentialFormatError(`${what}: expected a number, got "${token ?? ""}"`);
  return v;
}

function int(token: string | undefined, what: string): number {
  const v = num(token, what);
  if (!Number.isInteger(v) || v <= 0)
    throw new PotentialFormatError(`${what}: expected a positive integer, got "${token ?? ""}"`);
  return v;
}

function splitLines(contents: string): string[] {
  return contents.split(/\r?\n/);
}

export function parseFuncfl(contents: string, what = "funcfl file"): FuncflFile {
  const r = new LineReader(splitLines(contents), what);
  r.skip(1);
  const head = r.line();
  const atomicNumber = int(head[0], what);
  const mass = num(head[1], what);
  const a0 = head[2] !== undefined ? num(head[2], what) : 0;
  const lattice = head[3] ?? "";
  const grid = r.line();
  const nrho = int(grid[0], what);
  const drho = num(grid[1], what);
  const nr = int(grid[2], what);
  const dr = num(grid[3], what);
  const cut = num(grid[4], what);
  const frho = r.values(nrho);
  const zr = r.values(nr);
  const rhor = r.values(nr);
  let element: string;
  try {
    element = elementByAtomicNumber(atomicNumber).symbol;
  } catch (cause) {
    throw new PotentialFormatError(`${what}: atomic number ${atomicNumber} is not an element`, { cause });
  }
  return { element, atomicNumber, mass, a0, lattice, nrho, drho, nr, dr, cut, frho, zr, rhor };
}

export function parseSetfl(contents: string, format: "setfl" | "fs", what = `${format} file`): SetflFile {
  const r = new LineReader(splitLines(contents), what);
  r.skip(3);
  const header = r.line();
  const nel = int(header[0], what);
  const elements = header.slice(1, 1 + nel);
  if (elements.length !== nel) throw new PotentialFormatError(`${what}: expected ${nel} element names on line 4`);
  for (const e of elements) if (!isElementSymbol(e)) throw new PotentialFormatError(`${what}: unknown element "${e}"`);
  const grid = r.line();
  const nrho = int(grid[0], what);
  const drho = num(grid[1], what);
  const nr = int(grid[2], what);
  const dr = num(grid[3], what);
  const cut = num(grid[4], what);
  const masses: number[] = [];
  const a0: number[] = [];
  const lattices: string[] = [];
  const frho: Float64Array[] = [];
  const rhor: Float64Array[][] = [];
  for (let e = 0; e < nel; e++) {
    const line = r.line();
    masses.push(num(line[1], what));
    a0.push(line[2] !== undefined ? num(line[2], what) : 0);
    lattices.push(line[3] ?? "");
    frho.push(r.values(nrho));
    const dens: Float64Array[] = [];
    const count = format === "fs" ? nel : 1;
    for (let j = 0; j < count; j++) dens.push(r.values(nr));
    rhor.push(dens);
  }
  const z2r: Float64Array[][] = [];
  for (let i = 0; i < nel; i++) {
    const row: Float64Array[] = [];
    for (let j = 0; j <= i; j++) row.push(r.values(nr));
    z2r.push(row);
  }
  return { format, elements, masses, a0, lattices, nrho, drho, nr, dr, cut, frho, rhor, z2r };
}
