import { Composition, FormulaError } from "../engine/chem/composition";
import { isElementSymbol } from "../engine/chem/elements";
import { cartToFrac, latticeFromParameters } from "../engine/structure/crystal";
import { canonicalUnitOf, type PropertyKey, toCanonicalValue } from "../domain/property-key";
import type { CanonicalProperty, CanonicalStructure, DraftProperty } from "../services/canonical-entry";
import { RecordError } from "./ingest.errors";

/**
 * Defensive readers for fields of source records. Missing data comes as an absent
 * key, `null`, or (JARVIS) the string "na": all read as undefined. Numbers may come
 * as strings (old AFLUX). Anything else of the wrong type is a RecordError naming
 * the field, so the record is skipped and reported instead of landing half-read.
 * Lengths Å, angles degrees.
 */
export type RawRecord = Readonly<Record<string, unknown>>;

export function asRecord(raw: unknown, what = "record"): RawRecord {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new RecordError(`${what} is not a JSON object`);
  }
  return raw as RawRecord;
}

export function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === "na" || value === "NA" || value === "";
}

export function optionalNumber(record: RawRecord, field: string): number | undefined {
  const value = record[field];
  if (isMissing(value)) return undefined;
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value.trim()) : NaN;
  if (!Number.isFinite(n)) throw new RecordError(`field ${field}: expected a number, got ${describe(value)}`);
  return n;
}

export function optionalInteger(record: RawRecord, field: string): number | undefined {
  const n = optionalNumber(record, field);
  if (n !== undefined && !Number.isInteger(n)) throw new RecordError(`field ${field}: expected an integer, got ${n}`);
  return n;
}

export function optionalString(record: RawRecord, field: string): string | undefined {
  const value = record[field];
  if (isMissing(value)) return undefined;
  if (typeof value === "number") return String(value);
  if (typeof value !== "string") throw new RecordError(`field ${field}: expected a string, got ${describe(value)}`);
  return value;
}

export function requiredString(record: RawRecord, field: string): string {
  const value = optionalString(record, field);
  if (value === undefined) throw new RecordError(`field ${field} is missing`);
  return value;
}

export function optionalObject(record: RawRecord, field: string): RawRecord | undefined {
  const value = record[field];
  if (isMissing(value)) return undefined;
  return asRecord(value, `field ${field}`);
}

/** A number list given as a JSON array or (old AFLUX) a comma-separated string. */
export function optionalNumberList(record: RawRecord, field: string): number[] | undefined {
  const value = record[field];
  if (isMissing(value)) return undefined;
  const items = typeof value === "string" ? value.split(",") : value;
  if (!Array.isArray(items))
    throw new RecordError(`field ${field}: expected a list of numbers, got ${describe(value)}`);
  return items.map((x, i) => toNumber(x, `${field}[${i}]`));
}

export function toNumber(value: unknown, what: string): number {
  const n = numberOrNaN(value);
  if (!Number.isFinite(n)) throw new RecordError(`${what}: expected a number, got ${describe(value)}`);
  return n;
}

/** A number, or a number given as text; NaN for anything else. Hot loops call this and name the field only on failure. */
function numberOrNaN(value: unknown): number {
  return typeof value === "number" ? value : typeof value === "string" ? Number(value.trim()) : NaN;
}

/**
 * A list of 3-vectors: JSON arrays, or (old AFLUX) "x,y,z;x,y,z". A parsed JSON list
 * already of that form is returned as it is (callers treat vectors as read-only): copying
 * every site's vector was among the largest allocations of a JARVIS ingest.
 */
export function vectorList(value: unknown, what: string): number[][] {
  if (isNumberTriples(value)) return value;
  const rows =
    typeof value === "string"
      ? value.split(";").map((row) => row.split(","))
      : Array.isArray(value)
        ? value
        : undefined;
  if (!rows) throw new RecordError(`${what}: expected a list of 3-vectors, got ${describe(value)}`);
  return rows.map((row, i) => {
    if (!Array.isArray(row) || row.length !== 3) throw new RecordError(`${what}[${i}]: expected 3 numbers`);
    const vector = [numberOrNaN(row[0]), numberOrNaN(row[1]), numberOrNaN(row[2])];
    vector.forEach((x, k) => {
      if (!Number.isFinite(x)) toNumber(row[k], `${what}[${i}][${k}]`); // throws, naming the element
    });
    return vector;
  });
}

function isNumberTriples(value: unknown): value is number[][] {
  if (!Array.isArray(value)) return false;
  for (const row of value as unknown[]) {
    if (!Array.isArray(row) || row.length !== 3) return false;
    const x: unknown = row[0];
    const y: unknown = row[1];
    const z: unknown = row[2];
    if (!(typeof x === "number" && typeof y === "number" && typeof z === "number")) return false;
    if (!(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z))) return false;
  }
  return true;
}

export function matrix3(value: unknown, what: string): [number[], number[], number[]] {
  const rows = vectorList(value, what);
  if (rows.length !== 3) throw new RecordError(`${what}: expected a 3×3 matrix, got ${rows.length} rows`);
  const [a, b, c] = rows as [number[], number[], number[]];
  const det =
    a[0]! * (b[1]! * c[2]! - b[2]! * c[1]!) -
    a[1]! * (b[0]! * c[2]! - b[2]! * c[0]!) +
    a[2]! * (b[0]! * c[1]! - b[1]! * c[0]!);
  if (!(Math.abs(det) > 1e-8)) throw new RecordError(`${what}: the lattice vectors are degenerate`);
  return [a, b, c];
}

export function elementSymbol(value: unknown, what: string): string {
  if (typeof value !== "string" || !isElementSymbol(value.trim())) {
    throw new RecordError(`${what}: unknown element ${describe(value)}`);
  }
  return value.trim();
}

/** A structure from lattice rows and fractional coordinates; checks counts and element symbols. */
export function structureOf(
  lattice: [number[], number[], number[]],
  fracCoords: number[][],
  species: readonly unknown[],
  what = "structure",
): CanonicalStructure {
  if (species.length === 0) throw new RecordError(`${what}: no sites`);
  if (species.length !== fracCoords.length) {
    throw new RecordError(`${what}: ${species.length} species for ${fracCoords.length} sites`);
  }
  return {
    lattice,
    fracCoords,
    // A list of clean symbols is kept as it is; elementSymbol builds the site's name for its error.
    species: species.every(isCleanSymbol)
      ? (species as readonly string[])
      : species.map((s, i) => (isCleanSymbol(s) ? s : elementSymbol(s, `${what} site ${i}`))),
  };
}

function isCleanSymbol(value: unknown): value is string {
  return typeof value === "string" && isElementSymbol(value);
}

export function fractionalFromCartesian(lattice: [number[], number[], number[]], cartesian: number[][]): number[][] {
  return cartesian.map((r) => [...cartToFrac(lattice, r)]);
}

/** Lattice rows from a, b, c (Å) and α, β, γ (degrees): a along x, b in the xy plane. */
export function latticeFromGeometry(geometry: readonly number[], what: string): [number[], number[], number[]] {
  if (geometry.length !== 6) throw new RecordError(`${what}: expected a, b, c, alpha, beta, gamma`);
  const [a, b, c, alphaDeg, betaDeg, gammaDeg] = geometry as [number, number, number, number, number, number];
  const m = latticeFromParameters({ a, b, c, alphaDeg, betaDeg, gammaDeg });
  return matrix3(m, what);
}

export function cellVolume(lattice: readonly (readonly number[])[]): number {
  const [a, b, c] = lattice as [number[], number[], number[]];
  return Math.abs(
    a[0]! * (b[1]! * c[2]! - b[2]! * c[1]!) -
      a[1]! * (b[0]! * c[2]! - b[2]! * c[0]!) +
      a[2]! * (b[0]! * c[1]! - b[1]! * c[0]!),
  );
}

/**
 * Reduced formulas of formula texts already seen: parsing is pure, and a dataset repeats
 * few compositions many times (bounded: emptied when full).
 */
const reducedFormulas = new Map<string, string>();
const REDUCED_FORMULAS_KEPT = 50_000;

/** The reduced formula of a formula text; an unknown element or bad syntax is a RecordError. */
export function reducedFormula(text: string, what = "formula"): string {
  const known = reducedFormulas.get(text);
  if (known !== undefined) return known;
  let reduced: string;
  try {
    reduced = Composition.parse(text).reducedFormula;
  } catch (error) {
    if (error instanceof FormulaError) throw new RecordError(`${what} "${text}": ${error.message}`, { cause: error });
    throw error;
  }
  if (reducedFormulas.size >= REDUCED_FORMULAS_KEPT) reducedFormulas.clear();
  reducedFormulas.set(text, reduced);
  return reduced;
}

/** Reused by formulaOfSpecies, emptied after each call. */
const speciesCounts = new Map<string, number>();

export function formulaOfSpecies(species: readonly string[]): string {
  for (const s of species) speciesCounts.set(s, (speciesCounts.get(s) ?? 0) + 1);
  let text = "";
  // forEach, not for…of: the Map's iterator makes an [element, count] pair per element.
  speciesCounts.forEach((count, element) => (text += element + count));
  speciesCounts.clear();
  return reducedFormula(text);
}

/** The default `extra` of PropertyList.add: one frozen object, not a fresh one per call. */
const NO_EXTRA: { method?: string; temperatureK?: number } = Object.freeze({});

/**
 * Collects properties: each value converted from the unit the source reports to the
 * key's canonical unit, the source's value and unit kept beside it.
 */
export class PropertyList {
  readonly items: CanonicalProperty[] = [];

  add(
    key: PropertyKey,
    value: number | undefined,
    sourceUnit: string,
    extra: { method?: string; temperatureK?: number } = NO_EXTRA,
  ): this {
    if (value === undefined) return this;
    // Assigned one by one rather than spread from temporary objects: an ingest adds millions.
    const property: DraftProperty = {
      key,
      value: toCanonicalValue(key, value, sourceUnit),
      unit: canonicalUnitOf(key),
      sourceValue: value,
      sourceUnit,
    };
    if (extra.method !== undefined) property.method = extra.method;
    if (extra.temperatureK !== undefined) property.temperatureK = extra.temperatureK;
    this.items.push(property);
    return this;
  }
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
