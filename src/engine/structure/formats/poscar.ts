import { isElementSymbol } from "../../chem/elements";
import { type Crystal, cartToFrac, cellVolumeA3, copyLattice, crystalComposition, validateCrystal } from "../crystal";
import { det, type Mat3 } from "../mat3";
import { StructureFormatError } from "../structure.errors";
import { formatFixed, parseDecimal } from "./number-format";

/**
 * VASP POSCAR / CONTCAR reader and writer.
 *
 * Units: lattice Å (after the scale factor), coordinates fractional ("Direct") or Å
 * ("Cartesian", also scaled).
 *
 * Line 2 is the universal scale factor: one positive number multiplies the lattice, one
 * negative number is the target cell volume in Å³, three numbers scale each Cartesian
 * axis. VASP 5 files have a species line before the counts; VASP 4 files do not, and then
 * the species come from the `species` argument (one name per count, POTCAR order), or
 * failing that from element labels after the coordinates on each site line (as AFLOW and
 * pymatgen write them); with neither the reader says so. Species names such as "Fe_pv"
 * or "Fe/abc123" (VASP 6 POTCAR hashes) are reduced to the element. An optional
 * "Selective dynamics" line and the T/F flags after each site are accepted and dropped.
 *
 * The writer emits VASP 5 Direct coordinates with scale 1.0. Species are written as runs
 * of consecutive equal symbols (like pymatgen), so the site order is kept exactly, even
 * when a species appears in two separate runs.
 */

const FORMAT = "POSCAR";

interface Line {
  tokens: string[];
  line: number;
}

function fail(line: number, reason: string): never {
  throw new StructureFormatError(FORMAT, line, reason);
}

function numbers(l: Line | undefined, count: number, what: string): number[] {
  if (!l) fail(0, `file ends before the ${what}`);
  const values = l.tokens.slice(0, count).map((t) => parseDecimal(t));
  if (values.length < count || values.some((v) => v === undefined)) {
    fail(l.line, `expected ${count} number${count > 1 ? "s" : ""} for the ${what}, found "${l.tokens.join(" ")}"`);
  }
  return values as number[];
}

/** "Fe_pv" → Fe, "Fe/abc123" → Fe, "Fe1" → Fe; undefined when no element is named. */
function elementName(name: string): string | undefined {
  const m = /^([A-Z][a-z]?)/.exec(name.trim());
  if (!m) return undefined;
  const symbol = m[1] as string;
  return isElementSymbol(symbol) ? symbol : undefined;
}

export function parsePoscar(text: string, species?: readonly string[]): Crystal {
  const raw = text.split(/\r\n|\r|\n/);
  const lines: Line[] = raw.map((s, i) => ({
    tokens: s
      .trim()
      .split(/\s+/)
      .filter((t) => t !== ""),
    line: i + 1,
  }));
  if (raw.length < 8) fail(raw.length, "too short for a POSCAR (comment, scale, 3 lattice lines, counts, mode, sites)");
  let i = 1;
  const scaleLine = lines[i] as Line;
  const scaleCount = scaleLine.tokens.length >= 3 && parseDecimal(scaleLine.tokens[2] as string) !== undefined ? 3 : 1;
  const scales = numbers(scaleLine, scaleCount, "scale factor");
  i++;
  const rows = [0, 1, 2].map((k) => numbers(lines[i + k], 3, `lattice vector ${"abc"[k]}`));
  i += 3;
  const given: Mat3 = [
    rows[0] as [number, number, number],
    rows[1] as [number, number, number],
    rows[2] as [number, number, number],
  ];
  const v0 = cellVolumeA3(given);
  if (!(v0 > 0)) fail(i - 1, "lattice vectors are linearly dependent");
  let axisFactors: number[];
  if (scaleCount === 3) {
    if (scales.some((s) => !(s > 0))) fail(scaleLine.line, "the three per-axis scale factors must be positive");
    axisFactors = scales;
  } else {
    const s = scales[0] as number;
    if (s === 0) fail(scaleLine.line, "scale factor is zero");
    const factor = s > 0 ? s : Math.cbrt(-s / v0);
    axisFactors = [factor, factor, factor];
  }
  // Scale factors act on Cartesian components, of the lattice and of Cartesian sites alike.
  const lattice = given.map((r) => r.map((x, k) => x * (axisFactors[k] as number))) as Mat3;

  let names: string[] | undefined;
  let namesLine = 0;
  const speciesOrCounts = lines[i];
  if (!speciesOrCounts || speciesOrCounts.tokens.length === 0) fail(i + 1, "missing species counts");
  if (parseDecimal(speciesOrCounts.tokens[0] as string) === undefined) {
    names = speciesOrCounts.tokens;
    namesLine = speciesOrCounts.line;
    i++;
  }
  const countLine = lines[i];
  if (!countLine || countLine.tokens.length === 0) fail(i + 1, "missing species counts");
  const counts: number[] = [];
  for (const t of countLine.tokens) {
    if (!/^\d+$/.test(t)) break;
    counts.push(Number(t));
  }
  if (counts.length === 0) fail(countLine.line, `expected species counts, found "${countLine.tokens.join(" ")}"`);
  if (names && names.length !== counts.length) {
    fail(countLine.line, `${counts.length} counts for ${names.length} species on line ${namesLine}`);
  }
  const nsites = counts.reduce((a, b) => a + b, 0);
  if (nsites === 0) fail(countLine.line, "no sites");
  i++;
  let modeLine = lines[i];
  if (modeLine && /^s/i.test(modeLine.tokens[0] ?? "")) {
    i++;
    modeLine = lines[i];
  }
  if (!modeLine || modeLine.tokens.length === 0) fail(i + 1, "missing coordinate mode (Direct or Cartesian)");
  const cartesian = /^[ck]/i.test(modeLine.tokens[0] as string);
  if (!cartesian && !/^d/i.test(modeLine.tokens[0] as string)) {
    fail(modeLine.line, `coordinate mode "${modeLine.tokens[0]}" is neither Direct nor Cartesian`);
  }
  i++;

  const fracCoords: number[][] = [];
  const labels: (string | undefined)[] = [];
  for (let s = 0; s < nsites; s++) {
    const l = lines[i + s];
    if (!l || l.tokens.length === 0) fail(l?.line ?? raw.length, `expected ${nsites} site lines, found ${s}`);
    const xyz = numbers(l, 3, `coordinates of site ${s + 1}`);
    if (cartesian) {
      fracCoords.push([
        ...cartToFrac(
          lattice,
          xyz.map((x, k) => x * (axisFactors[k] as number)),
        ),
      ]);
    } else {
      fracCoords.push(xyz);
    }
    // After x y z: selective-dynamics flags (T/F), then an optional label.
    const rest = l.tokens.slice(3).filter((t) => !/^[TF]$/.test(t));
    labels.push(rest[0] === undefined ? undefined : elementName(rest[0]));
  }

  let typeNames: string[];
  if (names) {
    typeNames = names.map((n) => {
      const el = elementName(n);
      if (!el) fail(namesLine, `species "${n}" is not an element`);
      return el;
    });
  } else if (species) {
    if (species.length !== counts.length) {
      fail(countLine.line, `${counts.length} species counts but ${species.length} species names were given`);
    }
    typeNames = species.map((n) => {
      const el = elementName(n);
      if (!el) fail(0, `given species "${n}" is not an element`);
      return el;
    });
  } else if (labels.every((l) => l !== undefined)) {
    const siteSpecies = labels as string[];
    return finish({ lattice: copyLattice(lattice), species: siteSpecies, fracCoords });
  } else {
    fail(
      countLine.line,
      "no species line (VASP 4 format) and no element labels on the site lines: pass the species names (POTCAR order)",
    );
  }
  const siteSpecies: string[] = [];
  counts.forEach((n, k) => {
    for (let c = 0; c < n; c++) siteSpecies.push(typeNames[k] as string);
  });
  return finish({ lattice: copyLattice(lattice), species: siteSpecies, fracCoords });
}

function finish(crystal: Crystal): Crystal {
  if (det(crystal.lattice) === 0) fail(3, "lattice vectors are linearly dependent");
  validateCrystal(crystal);
  return crystal;
}

export function writePoscar(crystal: Crystal, options: { comment?: string } = {}): string {
  validateCrystal(crystal);
  const runs: { species: string; count: number }[] = [];
  for (const s of crystal.species) {
    const last = runs[runs.length - 1];
    if (last && last.species === s) last.count++;
    else runs.push({ species: s, count: 1 });
  }
  const comment = (options.comment ?? crystalComposition(crystal).reducedFormula).replace(/[\r\n]+/g, " ");
  const lines = [
    comment,
    "1.0",
    ...crystal.lattice.map((row) => "  " + row.map((x) => formatFixed(x, 12).padStart(20)).join(" ")),
    "  " + runs.map((r) => r.species.padStart(4)).join(" "),
    "  " + runs.map((r) => String(r.count).padStart(4)).join(" "),
    "Direct",
    ...crystal.fracCoords.map(
      (f, i) => "  " + f.map((x) => formatFixed(x, 14).padStart(18)).join(" ") + "  " + (crystal.species[i] as string),
    ),
  ];
  return lines.join("\n") + "\n";
}
