import { isElementSymbol } from "./elements";

/**
 * Chemical compositions: one parser shared by every part of MatGraph (CSV import,
 * adapters, filters, descriptors), and the formula conventions of OPTIMADE
 * (`chemical_formula_reduced`, `chemical_formula_anonymous`, `chemical_system`).
 *
 * Accepted: integer and decimal amounts (`Fe2O3`, `Ho2In1Ni2`, `Fe0.5Ni0.5`), nested
 * parentheses and brackets (`Ca(OH)2`, `K4[Fe(CN)6]`), hydrates and adducts with a
 * leading multiplier after `·`, `•` or `*` (`CuSO4·5H2O`), whitespace between parts.
 * A plain `.` is only ever a decimal point, so `CuSO4.5H2O` is read as CuS O4.5 H2 O.
 */
export class FormulaError extends Error {
  readonly code = "BAD_FORMULA";
  constructor(
    readonly formula: string,
    readonly position: number,
    readonly reason: string,
  ) {
    super(`invalid formula "${formula}": ${reason} at position ${position + 1}`);
    this.name = "FormulaError";
  }
}

const ADDUCT_SEPARATORS = new Set(["·", "•", "*", "∙"]);
const CLOSING: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

class FormulaReader {
  private pos = 0;
  constructor(private readonly text: string) {}

  parse(): Map<string, number> {
    const total = new Map<string, number>();
    let segmentIndex = 0;
    for (;;) {
      this.skipSpace();
      const segmentStart = this.pos;
      // A leading multiplier is only meaningful on an adduct part (the "5" in ·5H2O).
      const multiplier = segmentIndex > 0 ? (this.readNumber() ?? 1) : 1;
      const segment = this.readGroup(null);
      if (segment.size === 0) this.fail(segmentStart, "expected an element symbol");
      addScaled(total, segment, multiplier);
      this.skipSpace();
      if (this.pos >= this.text.length) break;
      const ch = this.text[this.pos] as string;
      if (!ADDUCT_SEPARATORS.has(ch)) this.fail(this.pos, `unexpected "${ch}"`);
      this.pos += 1;
      segmentIndex += 1;
    }
    return total;
  }

  private readGroup(closing: string | null): Map<string, number> {
    const group = new Map<string, number>();
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) {
        if (closing) this.fail(this.pos, `missing "${closing}"`);
        return group;
      }
      const ch = this.text[this.pos] as string;
      if (closing && ch === closing) {
        this.pos += 1;
        return group;
      }
      if (ch in CLOSING) {
        const open = this.pos;
        this.pos += 1;
        const inner = this.readGroup(CLOSING[ch] as string);
        if (inner.size === 0) this.fail(open, "empty group");
        addScaled(group, inner, this.readAmount());
        continue;
      }
      if (ch >= "A" && ch <= "Z") {
        const start = this.pos;
        let symbol = ch;
        const next = this.text[this.pos + 1];
        if (next !== undefined && next >= "a" && next <= "z") symbol += next;
        if (!isElementSymbol(symbol)) this.fail(start, `unknown element "${symbol}"`);
        this.pos += symbol.length;
        addScaled(group, new Map([[symbol, 1]]), this.readAmount());
        continue;
      }
      if (ADDUCT_SEPARATORS.has(ch) && !closing) return group;
      if (ch >= "a" && ch <= "z") {
        this.fail(this.pos, `element symbols start with a capital letter, found "${ch}"`);
      }
      this.fail(this.pos, `unexpected "${ch}"`);
    }
  }

  private readAmount(): number {
    const start = this.pos;
    const amount = this.readNumber();
    if (amount === undefined) return 1;
    if (!(amount > 0)) this.fail(start, "amounts must be positive");
    return amount;
  }

  private readNumber(): number | undefined {
    const match = /^(\d+(\.\d*)?|\.\d+)/.exec(this.text.slice(this.pos));
    if (!match) return undefined;
    this.pos += match[0].length;
    return Number(match[0]);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] as string)) this.pos += 1;
  }

  private fail(position: number, reason: string): never {
    throw new FormulaError(this.text, position, reason);
  }
}

function addScaled(into: Map<string, number>, from: ReadonlyMap<string, number>, factor: number): void {
  for (const [el, n] of from) into.set(el, (into.get(el) ?? 0) + n * factor);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Amounts as they appear in a formula: integers where possible, else up to 4 decimals. */
function formatAmount(n: number): string {
  if (Math.abs(n - 1) < 1e-9) return "";
  const rounded = Math.round(n);
  if (Math.abs(n - rounded) < 1e-9) return String(rounded);
  return String(Number(n.toFixed(4)));
}

/** Decimal amounts are usually rounded ratios (0.333 for 1/3): accept a whole-number
 * form whose atomic fractions agree with the given ones to this much, as long as it
 * stays a small cell; any ratio is near some large one, which would invent precision. */
const FRACTION_TOLERANCE = 5e-4;
const MAX_MULTIPLIER = 24;
const MAX_ATOMS_FOR_DECIMALS = 24;

/** The smallest whole-number ratio of amounts; decimals normalised to the smallest amount when none exists. */
function reduceAmounts(amounts: readonly number[]): number[] {
  if (amounts.every((a) => Number.isInteger(a))) {
    const divisor = amounts.reduce((g, n) => gcd(g, n));
    return amounts.map((n) => n / divisor);
  }
  const total = amounts.reduce((a, b) => a + b, 0);
  const smallest = Math.min(...amounts);
  for (let m = 1; m <= MAX_MULTIPLIER; m++) {
    const ints = amounts.map((a) => Math.max(1, Math.round((a / smallest) * m)));
    const intTotal = ints.reduce((a, b) => a + b, 0);
    if (intTotal > MAX_ATOMS_FOR_DECIMALS) break;
    if (ints.every((n, i) => Math.abs(n / intTotal - (amounts[i] as number) / total) < FRACTION_TOLERANCE)) {
      const divisor = ints.reduce((g, n) => gcd(g, n));
      return ints.map((n) => n / divisor);
    }
  }
  return amounts.map((a) => a / smallest);
}

function anonymousSymbol(index: number): string {
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const first = letters[index % 26] as string;
  const round = Math.floor(index / 26);
  return round === 0 ? first : first + (letters[round - 1] as string).toLowerCase();
}

export class Composition {
  /** Element → amount, in alphabetical order of symbols. */
  readonly amounts: ReadonlyMap<string, number>;

  private constructor(amounts: Map<string, number>) {
    this.amounts = new Map([...amounts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  static parse(formula: string): Composition {
    if (typeof formula !== "string" || formula.trim() === "") {
      throw new FormulaError(String(formula), 0, "empty formula");
    }
    return new Composition(new FormulaReader(formula).parse());
  }

  /** From a list of site species, e.g. a structure's `["Fe", "Fe", "O", "O", "O"]`. */
  static fromSpecies(species: readonly string[]): Composition {
    const counts = new Map<string, number>();
    species.forEach((s, i) => {
      if (!isElementSymbol(s)) throw new FormulaError(species.join(" "), i, `unknown element "${s}"`);
      counts.set(s, (counts.get(s) ?? 0) + 1);
    });
    if (counts.size === 0) throw new FormulaError("", 0, "no species");
    return new Composition(counts);
  }

  static fromAmounts(amounts: ReadonlyMap<string, number> | Record<string, number>): Composition {
    const entries = amounts instanceof Map ? [...amounts] : Object.entries(amounts);
    const map = new Map<string, number>();
    entries.forEach(([el, n], i) => {
      if (!isElementSymbol(el)) throw new FormulaError(el, i, `unknown element "${el}"`);
      if (!(n > 0)) throw new FormulaError(el, i, `amount of ${el} must be positive`);
      map.set(el, (map.get(el) ?? 0) + n);
    });
    if (map.size === 0) throw new FormulaError("", 0, "no elements");
    return new Composition(map);
  }

  get elements(): string[] {
    return [...this.amounts.keys()];
  }

  get nelements(): number {
    return this.amounts.size;
  }

  get totalAmount(): number {
    let sum = 0;
    for (const n of this.amounts.values()) sum += n;
    return sum;
  }

  /** OPTIMADE `chemical_system`: elements in alphabetical order joined by "-". */
  get chemicalSystem(): string {
    return this.elements.join("-");
  }

  /** OPTIMADE `chemical_formula_reduced`: alphabetical, amounts divided by their GCD, 1 omitted. */
  get reducedFormula(): string {
    const reduced = reduceAmounts([...this.amounts.values()]);
    return this.elements.map((el, i) => el + formatAmount(reduced[i] as number)).join("");
  }

  /** OPTIMADE `chemical_formula_anonymous`: A for the most abundant element, then B, … */
  get anonymousFormula(): string {
    const reduced = reduceAmounts([...this.amounts.values()]).sort((a, b) => b - a);
    return reduced.map((n, i) => anonymousSymbol(i) + formatAmount(n)).join("");
  }

  /** Atomic fractions, summing to 1. */
  fractions(): Map<string, number> {
    const total = this.totalAmount;
    return new Map([...this.amounts].map(([el, n]) => [el, n / total]));
  }

  equals(other: Composition): boolean {
    return this.reducedFormula === other.reducedFormula;
  }

  toString(): string {
    return this.reducedFormula;
  }
}

export function parseFormula(formula: string): Composition {
  return Composition.parse(formula);
}
