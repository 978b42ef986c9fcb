import { InvalidInputError } from "./errors";

/**
 * Unit conversion at the store boundary. Each dimension has one canonical unit
 * (the one stored); every other accepted unit converts to it by a factor, or
 * by an offset for temperatures. Adapters convert exactly once, through here.
 */
export type Dimension =
  | "energyPerAtom"
  | "energy"
  | "pressure"
  | "temperature"
  | "thermalConductivity"
  | "thermalExpansion"
  | "density"
  | "volumePerAtom"
  | "magneticMomentPerAtom"
  | "dimensionless";

interface UnitDef {
  readonly dimension: Dimension;
  /** canonical = value * factor + offset */
  readonly factor: number;
  readonly offset?: number;
}

const EV_PER_KJ_PER_MOL = 1 / 96.48533212;

/** Canonical unit of each dimension, as stored and reported. */
export const CANONICAL_UNIT: Readonly<Record<Dimension, string>> = {
  energyPerAtom: "eV/atom",
  energy: "eV",
  pressure: "GPa",
  temperature: "K",
  thermalConductivity: "W/m/K",
  thermalExpansion: "1/K",
  density: "g/cm^3",
  volumePerAtom: "Å^3/atom",
  magneticMomentPerAtom: "μB/atom",
  dimensionless: "",
};

const UNITS: Record<string, UnitDef> = {
  "eV/atom": { dimension: "energyPerAtom", factor: 1 },
  "meV/atom": { dimension: "energyPerAtom", factor: 1e-3 },
  "kJ/mol": { dimension: "energyPerAtom", factor: EV_PER_KJ_PER_MOL },
  eV: { dimension: "energy", factor: 1 },
  meV: { dimension: "energy", factor: 1e-3 },
  GPa: { dimension: "pressure", factor: 1 },
  MPa: { dimension: "pressure", factor: 1e-3 },
  Pa: { dimension: "pressure", factor: 1e-9 },
  kbar: { dimension: "pressure", factor: 0.1 },
  K: { dimension: "temperature", factor: 1 },
  "°C": { dimension: "temperature", factor: 1, offset: 273.15 },
  "W/m/K": { dimension: "thermalConductivity", factor: 1 },
  "1/K": { dimension: "thermalExpansion", factor: 1 },
  "1e-6/K": { dimension: "thermalExpansion", factor: 1e-6 },
  "g/cm^3": { dimension: "density", factor: 1 },
  "kg/m^3": { dimension: "density", factor: 1e-3 },
  "Å^3/atom": { dimension: "volumePerAtom", factor: 1 },
  "μB/atom": { dimension: "magneticMomentPerAtom", factor: 1 },
  "": { dimension: "dimensionless", factor: 1 },
};

/** Spellings seen in sources and by hand, mapped to the names above. */
const ALIASES: Record<string, string> = {
  "ev/atom": "eV/atom",
  ev: "eV",
  "mev/atom": "meV/atom",
  mev: "meV",
  "kj/mol": "kJ/mol",
  gpa: "GPa",
  mpa: "MPa",
  pa: "Pa",
  kbar: "kbar",
  k: "K",
  c: "°C",
  "°c": "°C",
  degc: "°C",
  "w/m/k": "W/m/K",
  "w/(m·k)": "W/m/K",
  "w/(m*k)": "W/m/K",
  "w/mk": "W/m/K",
  "w m-1 k-1": "W/m/K",
  "1/k": "1/K",
  "k^-1": "1/K",
  "k-1": "1/K",
  "1e-6/k": "1e-6/K",
  "ppm/k": "1e-6/K",
  "g/cm^3": "g/cm^3",
  "g/cm3": "g/cm^3",
  "g/cc": "g/cm^3",
  "kg/m^3": "kg/m^3",
  "kg/m3": "kg/m^3",
  "å^3/atom": "Å^3/atom",
  "a^3/atom": "Å^3/atom",
  "å3/atom": "Å^3/atom",
  "a3/atom": "Å^3/atom",
  "ang^3/atom": "Å^3/atom",
  "μb/atom": "μB/atom",
  "ub/atom": "μB/atom",
  "mub/atom": "μB/atom",
  "bohr_magneton/atom": "μB/atom",
  "": "",
  "1": "",
  dimensionless: "",
};

export function normaliseUnitName(unit: string): string | undefined {
  const trimmed = unit.trim();
  if (trimmed in UNITS) return trimmed;
  return ALIASES[trimmed.toLowerCase().replace(/\s+/g, " ")];
}

export function dimensionOfUnit(unit: string): Dimension | undefined {
  const name = normaliseUnitName(unit);
  return name === undefined ? undefined : UNITS[name]?.dimension;
}

function lookUp(unit: string, expected: Dimension | undefined): UnitDef {
  const name = normaliseUnitName(unit);
  const def = name === undefined ? undefined : UNITS[name];
  // Built only for the error: conversions run once per stored value.
  const hint = () => (expected ? `; expected one of: ${unitsOf(expected).join(", ")}` : "");
  if (!def) throw new InvalidInputError(`unknown unit "${unit}"${hint()}`);
  if (expected && def.dimension !== expected) {
    throw new InvalidInputError(`unit "${unit}" measures ${def.dimension}, not ${expected}${hint()}`);
  }
  return def;
}

/**
 * Conversions already looked up, by source unit then target unit (as written). Converting
 * runs once per stored value, millions of times in an ingest, with a handful of unit pairs.
 */
const conversions = new Map<string, Map<string, { readonly from: UnitDef; readonly to: UnitDef }>>();
/** Unit names as written are free text (spacing, case): the cache is emptied when it holds this many pairs. */
const CONVERSIONS_KEPT = 1024;
let conversionsKept = 0;

/** Converts `value` from one unit to another of the same dimension; anything else is an error naming both. */
export function convertUnit(value: number, fromUnit: string, toUnit: string): number {
  let byTarget = conversions.get(fromUnit);
  let pair = byTarget?.get(toUnit);
  if (pair === undefined) {
    const to = lookUp(toUnit, undefined);
    pair = { from: lookUp(fromUnit, to.dimension), to };
    if (++conversionsKept > CONVERSIONS_KEPT) {
      conversions.clear();
      conversionsKept = 1;
      byTarget = undefined;
    }
    if (byTarget === undefined) conversions.set(fromUnit, (byTarget = new Map()));
    byTarget.set(toUnit, pair);
  }
  const { from, to } = pair;
  const base = value * from.factor + (from.offset ?? 0);
  return (base - (to.offset ?? 0)) / to.factor;
}

export function unitsOf(dimension: Dimension): string[] {
  return Object.entries(UNITS)
    .filter(([, def]) => def.dimension === dimension)
    .map(([name]) => (name === "" ? "(none)" : name));
}
