import { Composition, FormulaError } from "../engine/chem/composition";
import { isElementSymbol } from "../engine/chem/elements";
import { PROPERTY_KEYS, type PropertyKey } from "../domain/property-key";
import type { Source } from "../domain/source";
import { InvalidInputError } from "../errors";
import { optimadeFilterSql } from "../optimade/filter-to-sql";

/**
 * The materials filter and its translation to SQL. Every part is validated
 * first: an unknown element, a bad formula or an empty range is an error naming
 * it, never a filter that silently matches everything.
 */
export interface ElementsFilter {
  readonly hasAll?: readonly string[] | null;
  readonly hasAny?: readonly string[] | null;
  readonly hasOnly?: readonly string[] | null;
  readonly excludes?: readonly string[] | null;
}

export interface IntRange {
  readonly min?: number | null;
  readonly max?: number | null;
}

export interface PropertyRange {
  readonly key: PropertyKey;
  readonly min?: number | null;
  readonly max?: number | null;
  readonly source?: Source | null;
}

export interface MaterialFilter {
  readonly elements?: ElementsFilter | null;
  readonly nelements?: IntRange | null;
  readonly formula?: string | null;
  readonly chemsys?: string | null;
  readonly sources?: readonly Source[] | null;
  readonly properties?: readonly PropertyRange[] | null;
  /** An OPTIMADE filter string (v1 grammar) over the same materials. */
  readonly optimadeFilter?: string | null;
}

/** Collects positional parameters while SQL text is built. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

function checkElements(field: string, symbols: readonly string[] | null | undefined): string[] | undefined {
  if (symbols == null) return undefined;
  if (symbols.length === 0) throw new InvalidInputError(`filter.elements.${field} must list at least one element`);
  for (const s of symbols) {
    if (!isElementSymbol(s)) throw new InvalidInputError(`filter.elements.${field}: unknown element "${s}"`);
  }
  return [...new Set(symbols)].sort();
}

function checkRange(field: string, min: number | null | undefined, max: number | null | undefined): void {
  if (min == null && max == null) throw new InvalidInputError(`${field} needs min, max or both`);
  for (const [name, v] of [
    ["min", min],
    ["max", max],
  ] as const) {
    if (v != null && !Number.isFinite(v)) throw new InvalidInputError(`${field}.${name} must be a finite number`);
  }
  if (min != null && max != null && min > max) {
    throw new InvalidInputError(`${field}: min (${min}) is greater than max (${max})`);
  }
}

export function normaliseChemsys(text: string): string {
  const parts = text.split("-").map((p) => p.trim());
  for (const p of parts) {
    if (!isElementSymbol(p)) throw new InvalidInputError(`filter.chemsys: unknown element "${p}" in "${text}"`);
  }
  return [...new Set(parts)].sort().join("-");
}

/** Checks one property range of a filter; `index` names it in the error. */
export function checkPropertyRange(range: PropertyRange, index: number): void {
  const field = `filter.properties[${index}]`;
  if (PROPERTY_KEYS[range.key]?.isArray)
    throw new InvalidInputError(`${field}: ${range.key} is an array and has no range`);
  checkRange(field, range.min, range.max);
}

/** The condition on properties aliased `p` that a range puts, without tying `p` to a material. */
export function propertyRangeSql(range: PropertyRange, params: SqlParams): string {
  const conditions = [`p.key = ${params.add(range.key)}`];
  if (range.min != null) conditions.push(`p.value >= ${params.add(range.min)}`);
  if (range.max != null) conditions.push(`p.value <= ${params.add(range.max)}`);
  if (range.source) conditions.push(`p.source = ${params.add(range.source)}`);
  return conditions.join(" AND ");
}

/**
 * SQL conditions on materials aliased `m`; an empty list means no filter.
 * `enforcedRanges` lists indexes of `filter.properties` that the caller already
 * enforces by restricting `m` to the materials with a value in them (see
 * material-search.service); they are validated but add no condition.
 */
export function materialFilterSql(
  filter: MaterialFilter | null | undefined,
  params: SqlParams,
  enforcedRanges?: ReadonlySet<number>,
): string[] {
  const where: string[] = [];
  if (!filter) return where;
  const el = filter.elements;
  if (el) {
    const hasAll = checkElements("hasAll", el.hasAll);
    const hasAny = checkElements("hasAny", el.hasAny);
    const hasOnly = checkElements("hasOnly", el.hasOnly);
    const excludes = checkElements("excludes", el.excludes);
    if (hasAll) where.push(`m.elements @> ${params.add(hasAll)}::text[]`);
    if (hasAny) where.push(`m.elements && ${params.add(hasAny)}::text[]`);
    if (hasOnly) where.push(`m.elements <@ ${params.add(hasOnly)}::text[]`);
    if (excludes) where.push(`NOT (m.elements && ${params.add(excludes)}::text[])`);
  }
  if (filter.nelements) {
    const { min, max } = filter.nelements;
    checkRange("filter.nelements", min, max);
    if (min != null) where.push(`m.nelements >= ${params.add(min)}`);
    if (max != null) where.push(`m.nelements <= ${params.add(max)}`);
  }
  if (filter.formula != null) {
    let reduced: string;
    try {
      reduced = Composition.parse(filter.formula).reducedFormula;
    } catch (error) {
      if (error instanceof FormulaError)
        throw new InvalidInputError(`filter.formula: ${error.message}`, { cause: error });
      throw error;
    }
    where.push(`m.formula = ${params.add(reduced)}`);
  }
  if (filter.chemsys != null) where.push(`m.chemsys = ${params.add(normaliseChemsys(filter.chemsys))}`);
  if (filter.sources) {
    if (filter.sources.length === 0) throw new InvalidInputError("filter.sources must list at least one source");
    where.push(
      `EXISTS (SELECT 1 FROM entries e WHERE e.material_id = m.id AND e.source = ANY(${params.add(filter.sources)}::text[]))`,
    );
  }
  if (filter.optimadeFilter != null)
    where.push(`(${optimadeFilterSql(filter.optimadeFilter, params, { material: "m" })})`);
  for (const [i, range] of (filter.properties ?? []).entries()) {
    checkPropertyRange(range, i);
    if (enforcedRanges?.has(i)) continue;
    // Probed by the material's entries: properties are indexed by entry (and by key and value), not by material.
    where.push(
      `EXISTS (SELECT 1 FROM entries pe JOIN properties p ON p.entry_id = pe.id
               WHERE pe.material_id = m.id AND ${propertyRangeSql(range, params)})`,
    );
  }
  return where;
}
