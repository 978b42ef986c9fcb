import { OptimadeFilterError } from "./optimade.errors";

/**
 * The OPTIMADE v1 filter language (specification appendix "The Filter Language
 * EBNF Grammar"): a hand-written lexer and recursive-descent parser producing an
 * AST. Every error names the 0-based character offset where the problem starts.
 *
 * Precedence, lowest first: OR, AND, NOT, comparisons. `NOT` applies once to a
 * comparison or a parenthesised expression, as the grammar says
 * (`ExpressionPhrase = [ NOT ], ( Comparison | "(" Expression ")" )`).
 * The parser accepts everything the grammar accepts, including the OPTIONAL
 * constructs; whether a construct is implemented is decided by the translation
 * to SQL, which answers "not implemented" rather than a syntax error.
 */

export type CompareOp = "=" | "!=" | "<" | "<=" | ">" | ">=";
export type FuzzyOp = "CONTAINS" | "STARTS" | "ENDS";

export interface PropertyRef {
  readonly kind: "property";
  /** Identifiers separated by dots: `["elements"]`, `["_exmpl_a", "b"]`. */
  readonly path: readonly string[];
  readonly position: number;
}

export interface Literal {
  readonly kind: "string" | "number" | "boolean";
  readonly value: string | number | boolean;
  /** The token as written (numbers keep their spelling for messages). */
  readonly text: string;
  readonly position: number;
}

export type Value = Literal | PropertyRef;

/** One item of a `HAS ALL|ANY|ONLY` list: equality unless an operator precedes the value. */
export interface ListEntry {
  readonly op: CompareOp | FuzzyOp;
  readonly value: Value;
  readonly position: number;
}

export type FilterNode =
  | { readonly kind: "and"; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: "or"; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: "not"; readonly operand: FilterNode; readonly position: number }
  | {
      readonly kind: "compare";
      readonly left: Value;
      readonly op: CompareOp;
      readonly right: Value;
      readonly position: number;
    }
  | { readonly kind: "known"; readonly property: PropertyRef; readonly known: boolean; readonly position: number }
  | {
      readonly kind: "fuzzy";
      readonly property: PropertyRef;
      readonly op: FuzzyOp;
      readonly value: Value;
      readonly position: number;
    }
  | {
      readonly kind: "has";
      readonly property: PropertyRef;
      /** `one` is plain `HAS value`. */
      readonly quantifier: "one" | "all" | "any" | "only";
      readonly entries: readonly ListEntry[];
      readonly position: number;
    }
  | {
      readonly kind: "hasZip";
      readonly properties: readonly PropertyRef[];
      readonly quantifier: "one" | "all" | "any" | "only";
      readonly tuples: ReadonlyArray<readonly ListEntry[]>;
      readonly position: number;
    }
  | {
      readonly kind: "length";
      readonly property: PropertyRef;
      readonly op: CompareOp;
      readonly value: Value;
      readonly position: number;
    }
  /** A bare property: shorthand for `property = TRUE`. */
  | { readonly kind: "truthy"; readonly property: PropertyRef; readonly position: number };

// ---------------------------------------------------------------------------
// Lexer

type TokenKind = "(" | ")" | "," | ":" | "." | "op" | "string" | "number" | "identifier" | "keyword" | "end";

interface Token {
  readonly kind: TokenKind;
  /** Decoded value: the string's content, the operator, the keyword, the identifier. */
  readonly text: string;
  readonly position: number;
  readonly number?: number;
}

const KEYWORDS = new Set([
  "AND",
  "OR",
  "NOT",
  "IS",
  "KNOWN",
  "UNKNOWN",
  "CONTAINS",
  "STARTS",
  "ENDS",
  "WITH",
  "LENGTH",
  "HAS",
  "ALL",
  "ONLY",
  "ANY",
  "TRUE",
  "FALSE",
]);

const SPACE = /[ \t\n\r\v\f]/;
const NUMBER = /[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/y;
const IDENTIFIER = /[a-z_][a-z_0-9]*/y;
const WORD = /[A-Za-z_][A-Za-z_0-9]*/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (SPACE.test(c)) {
      i += 1;
      continue;
    }
    const start = i;
    if (c === "(" || c === ")" || c === "," || c === ":" || c === ".") {
      // A dot followed by a digit starts a number (".5"), otherwise it joins property names.
      if (c === "." && /[0-9]/.test(text[i + 1] ?? "")) {
        tokens.push(readNumber(text, i));
        i = NUMBER.lastIndex;
        continue;
      }
      tokens.push({ kind: c, text: c, position: start });
      i += 1;
      continue;
    }
    if (c === "=" || c === "<" || c === ">" || c === "!") {
      const two = text.slice(i, i + 2);
      if (two === "!=" || two === "<=" || two === ">=") {
        tokens.push({ kind: "op", text: two, position: start });
        i += 2;
      } else if (c === "!") {
        throw new OptimadeFilterError(`Filter syntax error at position ${start}: "!" must be followed by "="`, start);
      } else {
        tokens.push({ kind: "op", text: c, position: start });
        i += 1;
      }
      continue;
    }
    if (c === '"') {
      let value = "";
      i += 1;
      for (;;) {
        const d = text[i];
        if (d === undefined) {
          throw new OptimadeFilterError(
            `Filter syntax error at position ${start}: string is not closed by a double quote`,
            start,
          );
        }
        if (d === '"') break;
        if (d === "\\") {
          const e = text[i + 1];
          if (e !== '"' && e !== "\\") {
            throw new OptimadeFilterError(
              `Filter syntax error at position ${i}: only \\" and \\\\ are escapes in a string`,
              i,
            );
          }
          value += e;
          i += 2;
          continue;
        }
        value += d;
        i += 1;
      }
      i += 1;
      tokens.push({ kind: "string", text: value, position: start });
      continue;
    }
    if (/[0-9+-]/.test(c)) {
      tokens.push(readNumber(text, i));
      i = NUMBER.lastIndex;
      continue;
    }
    IDENTIFIER.lastIndex = i;
    const identifier = IDENTIFIER.exec(text);
    WORD.lastIndex = i;
    const word = WORD.exec(text);
    if (word && identifier && identifier[0].length === word[0].length) {
      tokens.push({ kind: "identifier", text: identifier[0], position: start });
      i += identifier[0].length;
      continue;
    }
    if (word) {
      if (KEYWORDS.has(word[0])) {
        tokens.push({ kind: "keyword", text: word[0], position: start });
        i += word[0].length;
        continue;
      }
      throw new OptimadeFilterError(
        `Filter syntax error at position ${start}: "${word[0]}" is neither a keyword nor a property name ` +
          `(keywords are upper case, property names lower case)`,
        start,
      );
    }
    throw new OptimadeFilterError(`Filter syntax error at position ${start}: unexpected character "${c}"`, start);
  }
  tokens.push({ kind: "end", text: "", position: text.length });
  return tokens;
}

function readNumber(text: string, at: number): Token {
  NUMBER.lastIndex = at;
  const match = NUMBER.exec(text);
  if (!match) throw new OptimadeFilterError(`Filter syntax error at position ${at}: malformed number`, at);
  const end = at + match[0].length;
  // "1.234D12" or "3abc": a number must not run straight into a word.
  if (/[A-Za-z_0-9.]/.test(text[end] ?? "")) {
    throw new OptimadeFilterError(
      `Filter syntax error at position ${at}: malformed number "${text.slice(at, end + 1)}"`,
      at,
    );
  }
  return { kind: "number", text: match[0], position: at, number: Number(match[0]) };
}

// ---------------------------------------------------------------------------
// Parser

function describe(token: Token): string {
  switch (token.kind) {
    case "end":
      return "end of filter";
    case "string":
      return `string "${token.text}"`;
    case "number":
      return `number ${token.text}`;
    case "identifier":
      return `property "${token.text}"`;
    default:
      return `"${token.text}"`;
  }
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  /** A method, not a getter: TypeScript would otherwise keep a narrowed kind across next(). */
  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== "end") this.index += 1;
    return t;
  }

  private isKeyword(word: string): boolean {
    return this.peek().kind === "keyword" && this.peek().text === word;
  }

  private accept(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.index += 1;
    return true;
  }

  private fail(expected: string): never {
    const t = this.peek();
    throw new OptimadeFilterError(
      `Filter syntax error at position ${t.position}: expected ${expected}, found ${describe(t)}`,
      t.position,
    );
  }

  parseFilter(): FilterNode {
    if (this.peek().kind === "end") this.fail("a filter expression");
    const node = this.expression();
    if (this.peek().kind !== "end") {
      if (this.peek().kind === ")") this.fail("end of filter (unbalanced parenthesis)");
      this.fail("AND, OR or end of filter");
    }
    return node;
  }

  private expression(): FilterNode {
    let left = this.clause();
    while (this.accept("OR")) left = { kind: "or", left, right: this.clause() };
    return left;
  }

  private clause(): FilterNode {
    let left = this.phrase();
    while (this.accept("AND")) left = { kind: "and", left, right: this.phrase() };
    return left;
  }

  private phrase(): FilterNode {
    const position = this.peek().position;
    if (this.accept("NOT")) return { kind: "not", operand: this.comparisonOrGroup(), position };
    return this.comparisonOrGroup();
  }

  private comparisonOrGroup(): FilterNode {
    if (this.peek().kind === "(") {
      this.next();
      const inner = this.expression();
      if (this.peek().kind !== ")") this.fail('")"');
      this.next();
      return inner;
    }
    return this.comparison();
  }

  private comparison(): FilterNode {
    const t = this.peek();
    if (t.kind === "string" || t.kind === "number") {
      const left = this.literal();
      const op = this.operator();
      if (!op) this.fail("a comparison operator");
      return { kind: "compare", left, op, right: this.value(op), position: t.position };
    }
    if (t.kind === "keyword" && (t.text === "TRUE" || t.text === "FALSE")) {
      const left = this.literal();
      const op = this.operator();
      if (op !== "=" && op !== "!=") this.fail('"=" or "!=" after a boolean');
      return { kind: "compare", left, op, right: this.value(op), position: t.position };
    }
    if (t.kind !== "identifier") this.fail('a property name, a value or "("');
    const property = this.property();
    return this.propertyRhs(property);
  }

  private propertyRhs(property: PropertyRef): FilterNode {
    const position = property.position;
    const op = this.operator();
    if (op) return { kind: "compare", left: property, op, right: this.value(op), position };
    if (this.accept("IS")) {
      if (this.accept("KNOWN")) return { kind: "known", property, known: true, position };
      if (this.accept("UNKNOWN")) return { kind: "known", property, known: false, position };
      this.fail("KNOWN or UNKNOWN after IS");
    }
    const fuzzy = this.fuzzyOp();
    if (fuzzy) return { kind: "fuzzy", property, op: fuzzy, value: this.value("="), position };
    if (this.accept("LENGTH")) {
      const lengthOp = this.operator() ?? "=";
      return { kind: "length", property, op: lengthOp, value: this.value(lengthOp), position };
    }
    if (this.peek().kind === ":") {
      const properties = [property];
      while (this.peek().kind === ":") {
        this.next();
        if (this.peek().kind !== "identifier") this.fail('a property name after ":"');
        properties.push(this.property());
      }
      if (!this.accept("HAS")) this.fail("HAS after a list of correlated properties");
      const quantifier = this.quantifier();
      const tuples: ListEntry[][] = [];
      do {
        const tuple = [this.listEntry()];
        while (this.peek().kind === ":") {
          this.next();
          tuple.push(this.listEntry());
        }
        if (tuple.length !== properties.length) {
          throw new OptimadeFilterError(
            `Filter syntax error at position ${tuple[0]?.position ?? position}: ${properties.length} correlated properties need ${properties.length} values separated by ":", got ${tuple.length}`,
            tuple[0]?.position ?? position,
          );
        }
        tuples.push(tuple);
      } while (quantifier !== "one" && this.peek().kind === "," && this.next());
      return { kind: "hasZip", properties, quantifier, tuples, position };
    }
    if (this.accept("HAS")) {
      const quantifier = this.quantifier();
      const entries = [this.listEntry()];
      if (quantifier !== "one") {
        while (this.peek().kind === ",") {
          this.next();
          entries.push(this.listEntry());
        }
      }
      return { kind: "has", property, quantifier, entries, position };
    }
    if (this.peek().kind === "end" || this.peek().kind === ")" || this.isKeyword("AND") || this.isKeyword("OR")) {
      return { kind: "truthy", property, position };
    }
    this.fail("a comparison operator, HAS, LENGTH, IS, CONTAINS, STARTS or ENDS");
  }

  private quantifier(): "one" | "all" | "any" | "only" {
    if (this.accept("ALL")) return "all";
    if (this.accept("ANY")) return "any";
    if (this.accept("ONLY")) return "only";
    return "one";
  }

  private listEntry(): ListEntry {
    const position = this.peek().position;
    const fuzzy = this.fuzzyOp();
    if (fuzzy) return { op: fuzzy, value: this.value("="), position };
    const op = this.operator() ?? "=";
    return { op, value: this.value(op), position };
  }

  private fuzzyOp(): FuzzyOp | undefined {
    if (this.accept("CONTAINS")) return "CONTAINS";
    if (this.accept("STARTS")) {
      this.accept("WITH");
      return "STARTS";
    }
    if (this.accept("ENDS")) {
      this.accept("WITH");
      return "ENDS";
    }
    return undefined;
  }

  private operator(): CompareOp | undefined {
    if (this.peek().kind !== "op") return undefined;
    return this.next().text as CompareOp;
  }

  /** A value after `op`: booleans only after `=`/`!=` (the grammar's ValueEqRhs against ValueRelCompRhs). */
  private value(op: CompareOp): Value {
    const t = this.peek();
    if (t.kind === "identifier") return this.property();
    if (t.kind === "keyword" && (t.text === "TRUE" || t.text === "FALSE")) {
      if (op !== "=" && op !== "!=") this.fail(`a string or number after "${op}" (booleans are unordered)`);
      return this.literal();
    }
    if (t.kind === "string" || t.kind === "number") return this.literal();
    this.fail("a value (string, number, TRUE, FALSE or property)");
  }

  private literal(): Literal {
    const t = this.next();
    if (t.kind === "string") return { kind: "string", value: t.text, text: `"${t.text}"`, position: t.position };
    if (t.kind === "number") return { kind: "number", value: t.number as number, text: t.text, position: t.position };
    return { kind: "boolean", value: t.text === "TRUE", text: t.text, position: t.position };
  }

  private property(): PropertyRef {
    const first = this.next();
    const path = [first.text];
    while (this.peek().kind === ".") {
      this.next();
      if (this.peek().kind !== "identifier") this.fail('a property name after "."');
      path.push(this.next().text);
    }
    return { kind: "property", path, position: first.position };
  }
}

/** Parses an OPTIMADE filter; throws OptimadeFilterError naming the offset of the first problem. */
export function parseOptimadeFilter(text: string): FilterNode {
  return new Parser(tokenize(text)).parseFilter();
}

/** The AST written back as a fully braced filter: shows how precedence was applied. */
export function formatFilter(node: FilterNode): string {
  const v = (x: Value): string => (x.kind === "property" ? x.path.join(".") : x.text);
  const entry = (e: ListEntry): string => (e.op === "=" ? v(e.value) : `${e.op} ${v(e.value)}`);
  const q = (quantifier: string): string => (quantifier === "one" ? "" : ` ${quantifier.toUpperCase()}`);
  switch (node.kind) {
    case "and":
      return `(${formatFilter(node.left)} AND ${formatFilter(node.right)})`;
    case "or":
      return `(${formatFilter(node.left)} OR ${formatFilter(node.right)})`;
    case "not":
      return `(NOT ${formatFilter(node.operand)})`;
    case "compare":
      return `(${v(node.left)} ${node.op} ${v(node.right)})`;
    case "known":
      return `(${v(node.property)} IS ${node.known ? "KNOWN" : "UNKNOWN"})`;
    case "fuzzy":
      return `(${v(node.property)} ${node.op} ${v(node.value)})`;
    case "has":
      return `(${v(node.property)} HAS${q(node.quantifier)} ${node.entries.map(entry).join(", ")})`;
    case "hasZip":
      return `(${node.properties.map(v).join(":")} HAS${q(node.quantifier)} ${node.tuples.map((t) => t.map(entry).join(":")).join(", ")})`;
    case "length":
      return `(${v(node.property)} LENGTH ${node.op === "=" ? "" : `${node.op} `}${v(node.value)})`;
    case "truthy":
      return v(node.property);
  }
}
