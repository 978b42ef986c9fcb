import type { SqlParams } from "../services/material-filter";
import {
  parseOptimadeFilter,
  type CompareOp,
  type FilterNode,
  type FuzzyOp,
  type ListEntry,
  type Literal,
  type PropertyRef,
  type Value,
} from "./filter-grammar";
import { OptimadeFilterError, OptimadeNotImplementedError } from "./optimade.errors";
import {
  PROVIDER_PREFIX,
  STRUCTURE_PROPERTIES,
  type OptimadeType,
  type StructureProperty,
} from "./structure-properties";

/**
 * OPTIMADE filter AST → a SQL condition over `materials` (and `entries` when an
 * entry alias is in scope), with every value passed as a parameter.
 *
 * Unknown values follow SQL's three-valued logic, which is what the
 * specification asks: a comparison involving an unknown value never matches,
 * and neither does its negation. Properties of other providers (`_exmpl_…`)
 * are unknown everywhere (the comparison becomes NULL) and produce a warning;
 * an unknown property of ours or without prefix is an error naming it.
 * OPTIONAL constructs not implemented here (property-to-property comparisons,
 * constant-to-constant comparisons, correlated lists `a:b HAS …`, nested names)
 * and comparisons between different types raise OptimadeNotImplementedError.
 */
export interface FilterAliases {
  /** Alias of `materials` in the surrounding query. */
  readonly material: string;
  /** Alias of `entries`, when the query reads one row per entry; otherwise entry properties test "some entry of the material". */
  readonly entry?: string;
}

export interface TranslatedFilter {
  readonly sql: string;
  /** Human-readable notes for the response's `meta.warnings` (e.g. a property of another provider treated as unknown). */
  readonly warnings: readonly string[];
}

const SQL_OP: Readonly<Record<CompareOp, string>> = {
  "=": "=",
  "!=": "<>",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
};
const FLIPPED: Readonly<Record<CompareOp, CompareOp>> = {
  "=": "=",
  "!=": "!=",
  "<": ">",
  "<=": ">=",
  ">": "<",
  ">=": "<=",
};

type Resolved = { readonly known: true; readonly def: StructureProperty } | { readonly known: false };

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

class Translator {
  readonly warnings: string[] = [];
  private aliasCounter = 0;

  constructor(
    private readonly params: SqlParams,
    private readonly aliases: FilterAliases,
  ) {}

  node(n: FilterNode): string {
    switch (n.kind) {
      case "and":
        return `(${this.node(n.left)} AND ${this.node(n.right)})`;
      case "or":
        return `(${this.node(n.left)} OR ${this.node(n.right)})`;
      case "not":
        return `(NOT ${this.node(n.operand)})`;
      case "compare":
        return this.compare(n.left, n.op, n.right, n.position);
      case "known": {
        const r = this.resolve(n.property);
        if (!r.known) return n.known ? "FALSE" : "TRUE";
        if (!r.def.sql) return this.alwaysKnown(r.def, n.known);
        return this.scoped(r.def, (expr) => `(${expr} IS ${n.known ? "NOT " : ""}NULL)`, n.property);
      }
      case "fuzzy": {
        const r = this.resolve(n.property);
        if (!r.known) return "NULL::boolean";
        this.requireType(r.def, r.def.type === "string", n.position, `${n.op} needs a string property`);
        const value = this.stringLiteral(n.value, n.op);
        return this.scoped(r.def, (expr) => `(${expr} LIKE ${this.likePattern(n.op, value)})`, n.property);
      }
      case "has":
        return this.has(n.property, n.quantifier, n.entries, n.position);
      case "length": {
        const r = this.resolve(n.property);
        if (!r.known) return "NULL::boolean";
        this.requireType(r.def, r.def.type.startsWith("list-"), n.position, "LENGTH needs a list property");
        const count = this.numberLiteral(n.value, "LENGTH");
        const length =
          r.def.lengthSql ?? ((alias: string) => `cardinality(${(r.def.sql as (a: string) => string)(alias)})`);
        return this.scoped(
          r.def,
          (_expr, alias) => `(${length(alias)} ${SQL_OP[n.op]} ${this.numberParam(count)})`,
          n.property,
        );
      }
      case "hasZip":
        throw new OptimadeNotImplementedError(
          `Filter feature not implemented at position ${n.position}: correlated lists ("a:b HAS …") are OPTIONAL and not supported`,
          n.position,
        );
      case "truthy": {
        const r = this.resolve(n.property);
        if (!r.known) return "NULL::boolean";
        throw new OptimadeNotImplementedError(
          `Filter type mismatch at position ${n.position}: "${r.def.name}" is a ${r.def.type}, not a boolean`,
          n.position,
        );
      }
    }
  }

  private compare(left: Value, op: CompareOp, right: Value, position: number): string {
    if (left.kind === "property" && right.kind === "property") {
      throw new OptimadeNotImplementedError(
        `Filter feature not implemented at position ${position}: comparing two properties is OPTIONAL and not supported`,
        position,
      );
    }
    if (left.kind !== "property" && right.kind !== "property") {
      throw new OptimadeNotImplementedError(
        `Filter feature not implemented at position ${position}: comparing two constants is OPTIONAL and not supported`,
        position,
      );
    }
    // "5 < nelements" is "nelements > 5".
    const [property, value, theOp] =
      left.kind === "property" ? [left, right as Literal, op] : [right as PropertyRef, left, FLIPPED[op]];
    const r = this.resolve(property);
    if (!r.known) return "NULL::boolean";
    const def = r.def;
    if (def.name === "id" && (theOp === "=" || theOp === "!=") && value.kind === "string") {
      return this.scoped(def, (_expr, alias) => this.idEquals(alias, value.value as string, theOp === "!="), property);
    }
    const param = this.scalarParam(def, value, theOp);
    const collate = def.type === "string" && theOp !== "=" && theOp !== "!=" ? ` COLLATE "C"` : "";
    return this.scoped(def, (expr) => `(${expr}${collate} ${SQL_OP[theOp]} ${param})`, property);
  }

  /**
   * Properties computed for output only (lattice_vectors, species, the Hill
   * formula, …) are known for every structure; over materials, for those with
   * some entry carrying a structure.
   */
  private alwaysKnown(def: StructureProperty, known: boolean): string {
    if (def.level !== "entry" || this.aliases.entry) return known ? "TRUE" : "FALSE";
    const e = `oe${++this.aliasCounter}`;
    const exists = `EXISTS (SELECT 1 FROM entries ${e} WHERE ${e}.material_id = ${this.aliases.material}.id AND ${e}.lattice IS NOT NULL)`;
    return known ? exists : `(NOT ${exists})`;
  }

  /** `id = "MP:mp-13"` as an equality on (source, source_id), so the unique index serves it. */
  private idEquals(alias: string, id: string, negate: boolean): string {
    const colon = id.indexOf(":");
    if (colon < 0) return negate ? "TRUE" : "FALSE";
    const cond = `(${alias}.source = ${this.params.add(id.slice(0, colon))} AND ${alias}.source_id = ${this.params.add(id.slice(colon + 1))})`;
    return negate ? `(NOT ${cond})` : cond;
  }

  private has(
    property: PropertyRef,
    quantifier: "one" | "all" | "any" | "only",
    entries: readonly ListEntry[],
    position: number,
  ): string {
    const r = this.resolve(property);
    if (!r.known) return "NULL::boolean";
    const def = r.def;
    this.requireType(
      def,
      def.type === "list-string" || def.type === "list-integer",
      position,
      "HAS needs a list of strings or integers",
    );
    const itemIsString = def.type === "list-string";
    const items = entries.map((e) => {
      if (e.value.kind === "property") {
        throw new OptimadeNotImplementedError(
          `Filter feature not implemented at position ${e.position}: property names as HAS values are OPTIONAL and not supported`,
          e.position,
        );
      }
      if (e.op === "CONTAINS" || e.op === "STARTS" || e.op === "ENDS") {
        if (!itemIsString) this.mismatch(e.position, `${e.op} needs strings, "${def.name}" holds integers`);
        return { op: e.op, value: this.stringLiteral(e.value, e.op) as string | number };
      }
      const v = itemIsString ? this.stringLiteral(e.value, "HAS") : this.numberLiteral(e.value, "HAS");
      return { op: e.op, value: v as string | number };
    });
    const arrayType = itemIsString ? "text[]" : "int[]";
    if (items.every((i) => i.op === "=") && (itemIsString || items.every((i) => Number.isInteger(i.value)))) {
      const array = `${this.params.add(items.map((i) => i.value))}::${arrayType}`;
      const sqlOp = quantifier === "any" ? "&&" : quantifier === "only" ? "<@" : "@>";
      return this.scoped(def, (expr) => `(${expr} ${sqlOp} ${array})`, property);
    }
    // Operators inside the list: test each item of the list property.
    return this.scoped(
      def,
      (expr) => {
        const x = `u${++this.aliasCounter}`;
        const match = (i: { op: CompareOp | FuzzyOp; value: string | number }): string =>
          i.op === "CONTAINS" || i.op === "STARTS" || i.op === "ENDS"
            ? `${x}.v LIKE ${this.likePattern(i.op, i.value as string)}`
            : `${x}.v${itemIsString && i.op !== "=" && i.op !== "!=" ? ` COLLATE "C"` : ""} ${SQL_OP[i.op]} ${
                itemIsString ? `${this.params.add(i.value)}::text` : this.numberParam(i.value as number)
              }`;
        const from = `FROM unnest(${expr}) AS ${x}(v)`;
        if (quantifier === "all")
          return `(${items.map((i) => `EXISTS (SELECT 1 ${from} WHERE ${match(i)})`).join(" AND ")})`;
        if (quantifier === "only")
          return `(${expr} IS NOT NULL AND NOT EXISTS (SELECT 1 ${from} WHERE NOT (${items.map(match).join(" OR ")})))`;
        return `EXISTS (SELECT 1 ${from} WHERE ${items.map(match).join(" OR ")})`;
      },
      property,
    );
  }

  /**
   * Applies `build` to the property's SQL. Entry properties, when the query has
   * no entry row in scope, become "some entry of this material satisfies it".
   */
  private scoped(def: StructureProperty, build: (expr: string, alias: string) => string, at: PropertyRef): string {
    const sql = def.sql;
    if (!sql) {
      throw new OptimadeNotImplementedError(
        `Filter feature not implemented at position ${at.position}: "${def.name}" cannot be filtered on`,
        at.position,
      );
    }
    if (def.level === "material" || def.level === "constant")
      return build(sql(this.aliases.material), this.aliases.material);
    if (this.aliases.entry) return build(sql(this.aliases.entry), this.aliases.entry);
    const e = `oe${++this.aliasCounter}`;
    return `EXISTS (SELECT 1 FROM entries ${e} WHERE ${e}.material_id = ${this.aliases.material}.id AND ${build(sql(e), e)})`;
  }

  private resolve(property: PropertyRef): Resolved {
    const [first, ...rest] = property.path as [string, ...string[]];
    const prefix = /^_([a-z0-9]+)_/.exec(first)?.[1];
    if (first.startsWith("_") && prefix !== PROVIDER_PREFIX) {
      const name = property.path.join(".");
      const note = `"${name}" belongs to another provider${prefix ? ` ("${prefix}")` : ""} and is treated as unknown`;
      if (!this.warnings.includes(note)) this.warnings.push(note);
      return { known: false };
    }
    const def = STRUCTURE_PROPERTIES.get(first);
    if (!def) {
      throw new OptimadeFilterError(
        `Unknown property "${property.path.join(".")}" at position ${property.position}: structures have ${[...STRUCTURE_PROPERTIES.keys()].join(", ")}`,
        property.position,
      );
    }
    if (rest.length > 0) {
      throw new OptimadeNotImplementedError(
        `Filter feature not implemented at position ${property.position}: nested property names ("${property.path.join(".")}") are OPTIONAL and not supported`,
        property.position,
      );
    }
    return { known: true, def };
  }

  private scalarParam(def: StructureProperty, value: Literal, op: CompareOp): string {
    switch (def.type) {
      case "string":
        return `${this.params.add(this.stringLiteral(value, op))}::text`;
      case "integer":
      case "float":
        return this.numberParam(this.numberLiteral(value, op));
      case "timestamp": {
        const text = this.stringLiteral(value, op);
        if (!RFC3339.test(text) || Number.isNaN(Date.parse(text))) {
          throw new OptimadeFilterError(
            `Invalid timestamp "${text}" at position ${value.position}: write it in RFC 3339 form, e.g. "2024-01-31T12:00:00Z"`,
            value.position,
          );
        }
        return `${this.params.add(new Date(text).toISOString())}::timestamptz`;
      }
      default:
        return this.mismatch(value.position, `"${def.name}" is a list: compare it with HAS or LENGTH`);
    }
  }

  private numberParam(n: number): string {
    return Number.isInteger(n) && Math.abs(n) < 2 ** 31
      ? `${this.params.add(n)}::int`
      : `${this.params.add(n)}::float8`;
  }

  private stringLiteral(value: Value, op: string): string {
    if (value.kind !== "string")
      this.mismatch(
        value.position,
        `${op} needs a string here, got ${value.kind === "property" ? "a property" : value.text}`,
      );
    return value.value as string;
  }

  private numberLiteral(value: Value, op: string): number {
    if (value.kind !== "number")
      this.mismatch(
        value.position,
        `${op} needs a number here, got ${value.kind === "property" ? "a property" : value.text}`,
      );
    const n = value.value as number;
    if (!Number.isFinite(n)) {
      throw new OptimadeNotImplementedError(
        `Number ${value.text} at position ${value.position} is outside the double-precision range (about ±1.8e308)`,
        value.position,
      );
    }
    return n;
  }

  private likePattern(op: FuzzyOp, text: string): string {
    const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
    return this.params.add(op === "CONTAINS" ? `%${escaped}%` : op === "STARTS" ? `${escaped}%` : `%${escaped}`);
  }

  private requireType(def: StructureProperty, ok: boolean, position: number, why: string): void {
    if (!ok) this.mismatch(position, `${why}; "${def.name}" is a ${typeLabel(def.type)}`);
  }

  private mismatch(position: number, why: string): never {
    throw new OptimadeNotImplementedError(`Filter type mismatch at position ${position}: ${why}`, position);
  }
}

function typeLabel(type: OptimadeType): string {
  return type.startsWith("list-") ? `list of ${type.slice(5).replace("list-", "lists of ")}s` : type;
}

/** Parses and translates; throws OptimadeFilterError (400) or OptimadeNotImplementedError (501). */
export function translateOptimadeFilter(
  filterText: string,
  params: SqlParams,
  aliases: FilterAliases,
): TranslatedFilter {
  const ast = parseOptimadeFilter(filterText);
  const translator = new Translator(params, aliases);
  const sql = translator.node(ast);
  return { sql, warnings: translator.warnings };
}

/**
 * The SQL condition for an OPTIMADE filter over `materials` aliased
 * `alias.material` (as `materials(optimadeFilter: "…")` needs). Entry-level
 * properties (`nsites`, `id`, `last_modified`, `species_at_sites`, …) match a
 * material when some entry of it matches.
 */
export function optimadeFilterSql(
  filterText: string,
  params: SqlParams,
  alias: FilterAliases = { material: "m" },
): string {
  return translateOptimadeFilter(filterText, params, alias).sql;
}
