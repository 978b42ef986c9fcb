import { describe, expect, it } from "vitest";
import { formatFilter, parseOptimadeFilter } from "./filter-grammar";
import { OptimadeFilterError } from "./optimade.errors";

function errorOf(filter: string): OptimadeFilterError {
  try {
    parseOptimadeFilter(filter);
  } catch (error) {
    if (error instanceof OptimadeFilterError) return error;
    throw error;
  }
  throw new Error(`"${filter}" parsed without error`);
}

describe("OPTIMADE filter grammar", () => {
  // Every filter example of the specification's "API Filtering Format Specification" section.
  it.each([
    "nelements > 3",
    'chemical_formula_hill = "H2O" AND chemical_formula_anonymous != "AB"',
    '_exmpl_aax <= +.1e8 OR nelements >= 10 AND NOT ( _exmpl_x != "Some string" OR NOT _exmpl_a = 7)',
    '_exmpl_spacegroup="P2"',
    "_exmpl_cell_volume<100.0",
    "_exmpl_band_gap > 5.0 AND _exmpl_molecular_weight < 350",
    '_exmpl_melting_point<300 AND nelements=4 AND chemical_formula_descriptive="SiO2"',
    "_exmpl_some_string_property = 42",
    "5 < _exmpl_a",
    "((NOT (_exmpl_a>_exmpl_b)) AND _exmpl_x>0)",
    "5 < 7",
    'chemical_formula_anonymous CONTAINS "C2" AND chemical_formula_anonymous STARTS WITH "A2"',
    'chemical_formula_anonymous STARTS "A2" AND chemical_formula_anonymous ENDS WITH "D1"',
    "property = TRUE",
    "property != FALSE",
    "_exmpl_has_inversion_symmetry AND NOT _exmpl_is_primitive",
    "list HAS < 3",
    "list HAS ALL < 3, > 3",
    "list:list HAS >=2:<=5",
    'elements HAS "H" AND elements HAS ALL "H","He","Ga","Ta" AND elements HAS ONLY "H","He","Ga","Ta" AND elements HAS ANY "H", "He", "Ga", "Ta"',
    'elements HAS ONLY "H","He","Ga","Ta"',
    'elements:_exmpl_element_counts HAS "H":6 AND elements:_exmpl_element_counts HAS ALL "H":6,"He":7 AND elements:_exmpl_element_counts HAS ONLY "H":6 AND elements:_exmpl_element_counts HAS ANY "H":6,"He":7 AND elements:_exmpl_element_counts HAS ONLY "H":6,"He":7',
    "_exmpl_element_counts HAS < 3 AND _exmpl_element_counts HAS ANY > 3, = 6, 4, != 8",
    'elements:_exmpl_element_counts:_exmpl_element_weights HAS ANY > 3:"He":>55.3 , = 6:>"Ti":<37.6 , 8:<"Ga":0',
    'calculations.id HAS "calc-id-96"',
    'authors.lastname HAS "Schmit"',
    "chemical_formula_hill IS KNOWN AND NOT chemical_formula_anonymous IS UNKNOWN",
    'NOT ( chemical_formula_hill = "Al" AND chemical_formula_anonymous = "A" OR chemical_formula_anonymous = "H2O" AND NOT chemical_formula_hill = "Ti" )',
    "elements LENGTH 3",
    "elements LENGTH >= 3",
    "nelements=2 AND elements LENGTH 2",
  ])("parses %s", (filter) => {
    const ast = parseOptimadeFilter(filter);
    // The braced form parses back to the same tree.
    expect(parseOptimadeFilter(formatFilter(ast))).toEqual(expect.objectContaining({ kind: ast.kind }));
    expect(formatFilter(parseOptimadeFilter(formatFilter(ast)))).toBe(formatFilter(ast));
  });

  it("applies the precedence of the specification's examples", () => {
    expect(formatFilter(parseOptimadeFilter('NOT a > b OR c = 100 AND f = "C2 H6"'))).toBe(
      formatFilter(parseOptimadeFilter('(NOT (a > b)) OR ( (c = 100) AND (f = "C2 H6") )')),
    );
    expect(formatFilter(parseOptimadeFilter('NOT a > b OR c = 100 AND f = "C2 H6"'))).toBe(
      '((NOT (a > b)) OR ((c = 100) AND (f = "C2 H6")))',
    );
    expect(formatFilter(parseOptimadeFilter("a >= 0 AND NOT b < c OR c = 0"))).toBe(
      "(((a >= 0) AND (NOT (b < c))) OR (c = 0))",
    );
  });

  it("reads the specification's valid numbers and refuses its invalid ones", () => {
    const valid = [
      "12345",
      "+12",
      "-34",
      "1.2",
      ".2E7",
      "-.2E+7",
      "+10.01E-10",
      "6.03e23",
      ".1E1",
      "-.1e1",
      "1.e-12",
      "-.1e-12",
      "1000000000.E1000000000",
      "1.",
      ".1",
    ];
    for (const n of valid) {
      const ast = parseOptimadeFilter(`x = ${n}`);
      expect(ast.kind).toBe("compare");
      if (ast.kind === "compare" && ast.right.kind === "number") expect(ast.right.value).toBe(Number(n));
    }
    for (const n of ["1.234D12", ".e1", "-.E1", "+.E2", "1.23E+++", "+-123"]) {
      expect(() => parseOptimadeFilter(`x = ${n}`), n).toThrow(OptimadeFilterError);
    }
  });

  it("unescapes strings", () => {
    const ast = parseOptimadeFilter('x = "a \\"quoted\\" back\\\\slash"');
    expect(ast.kind === "compare" && ast.right.kind === "string" ? ast.right.value : null).toBe(
      'a "quoted" back\\slash',
    );
  });

  it.each([
    ["nelements >", 11, "expected a value"],
    ["nelements >= 3 AND", 18, "expected a property name"],
    ['elements HAS ALL "Si",', 22, "expected a value"],
    ["(nelements = 3", 14, '")"'],
    ["nelements = 3)", 13, "unbalanced parenthesis"],
    ['chemical_formula_reduced = "Fe2O3', 27, "not closed"],
    ["nelements = 3 and nsites = 2", 14, 'expected AND, OR or end of filter, found property "and"'],
    ["Nelements = 3", 0, "neither a keyword nor a property name"],
    ["nelements ! 3", 10, '"!" must be followed by "="'],
    ["nelements = 3 nsites = 2", 14, "expected AND, OR or end of filter"],
    ["NOT NOT nelements = 1", 4, "expected a property name"],
    ["", 0, "expected a filter expression"],
    ["nelements = 3 # comment", 14, 'unexpected character "#"'],
    ["x IS 3", 5, "KNOWN or UNKNOWN"],
    ["x < TRUE", 4, "booleans are unordered"],
  ])("refuses %j naming position %i", (filter, position, message) => {
    const error = errorOf(filter);
    expect(error.position).toBe(position);
    expect(error.message).toContain(`position ${position}`);
    expect(error.message).toContain(message);
    expect(error.code).toBe("BAD_USER_INPUT");
  });
});
