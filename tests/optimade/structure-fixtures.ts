import { Composition } from "../../src/engine/chem/composition";
import { Source } from "../../src/domain/source";
import type { CanonicalEntry } from "../../src/services/canonical-entry";

/**
 * Entries with crystal structures for the OPTIMADE tests: a spread of
 * compositions (elements, oxides, ternaries, one with carbon and hydrogen for
 * the Hill formula), cells of 1 to 16 sites, several sources per composition.
 * The cells are not physical; only their composition and geometry are checked.
 */
const CELLS: ReadonlyArray<readonly [formula: string, formulaUnits: number, sources: readonly Source[]]> = [
  ["Fe2O3", 1, [Source.AFLOW, Source.MP]],
  ["Fe2O3", 2, [Source.OQMD]],
  ["SiO2", 1, [Source.MP, Source.JARVIS]],
  ["Si", 2, [Source.MP]],
  ["NaCl", 1, [Source.MP, Source.AFLOW]],
  ["Al2O3", 2, [Source.AFLOW]],
  ["MgO", 4, [Source.OQMD]],
  ["Al2SiO5", 2, [Source.MP]],
  ["AgCl", 1, [Source.JARVIS]],
  ["Ag2O", 1, [Source.MP]],
  ["FeO", 1, [Source.AFLOW]],
  ["Fe3O4", 1, [Source.MP]],
  ["TiO2", 2, [Source.JARVIS, Source.MP]],
  ["CaTiO3", 1, [Source.MP]],
  ["H2O", 1, [Source.OQMD]],
  ["CH4", 1, [Source.MP]],
  ["SiC", 1, [Source.AFLOW]],
  ["Cu", 4, [Source.MP, Source.OQMD]],
  ["Na", 1, [Source.OQMD]],
  ["Ca", 1, [Source.JARVIS]],
];

export function structureEntries(): CanonicalEntry[] {
  const entries: CanonicalEntry[] = [];
  CELLS.forEach(([formula, units, sources], i) => {
    const species: string[] = [];
    for (const [el, n] of Composition.parse(formula).amounts) for (let k = 0; k < n * units; k++) species.push(el);
    const a = 3 + 0.25 * species.length;
    for (const source of sources) {
      entries.push({
        source,
        sourceId: `${source.toLowerCase()}-s${i}`,
        formula,
        structure: {
          lattice: [
            [a, 0, 0],
            [0.1, a * 1.1, 0],
            [0, 0.2, a * 0.9],
          ],
          // Distinct, irrational-looking positions: no two sites coincide.
          fracCoords: species.map((_s, k) => [(k * 0.37) % 1, (k * 0.61 + 0.1) % 1, (k * 0.13 + 0.05) % 1]),
          species,
        },
        fetchedAt: new Date(Date.UTC(2024, 0, 1 + i)),
        properties: [],
      });
    }
  });
  return entries;
}

/** What a test needs to know of one structure to compute a filter's expected matches. */
export interface ExpectedStructure {
  readonly id: string;
  readonly elements: string[];
  readonly nelements: number;
  readonly reduced: string;
  readonly anonymous: string;
  readonly nsites: number;
  readonly species: readonly string[];
  readonly source: string;
}

export function expectedStructures(entries: readonly CanonicalEntry[]): ExpectedStructure[] {
  return entries
    .filter((e) => e.structure)
    .map((e) => {
      const c = Composition.parse(e.formula);
      return {
        id: `${e.source}:${e.sourceId}`,
        elements: c.elements,
        nelements: c.nelements,
        reduced: c.reducedFormula,
        anonymous: c.anonymousFormula,
        nsites: e.structure!.species.length,
        species: e.structure!.species,
        source: e.source,
      };
    });
}
