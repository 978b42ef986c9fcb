import { Composition } from "../engine/chem/composition";
import { elementInfo } from "../engine/chem/elements";
import { fracToCart } from "../engine/structure/crystal";

/**
 * One stored entry (with its material) as an OPTIMADE `structures` resource
 * object. Lengths in Å, masses in atomic mass units.
 */
export interface StructureRow {
  readonly source: string;
  readonly sourceId: string;
  readonly materialId: number;
  /** 9 numbers: lattice vectors a, b, c as rows, Å. */
  readonly lattice: number[];
  /** 3 per site. */
  readonly fracCoords: number[];
  readonly species: string[];
  readonly fetchedAt: Date;
  readonly formula: string;
  readonly formulaAnonymous: string;
  readonly elements: string[];
  readonly nelements: number;
  readonly chemsys: string;
}

export const STRUCTURE_ROW_COLUMNS = `e.source, e.source_id AS "sourceId", e.material_id AS "materialId", e.lattice,
  e.frac_coords AS "fracCoords", e.species, e.fetched_at AS "fetchedAt", m.formula, m.formula_anonymous AS "formulaAnonymous",
  m.elements, m.nelements, m.chemsys`;

/** Entries that OPTIMADE serves as structures: those with a cell, not withdrawn by their source. */
export const STRUCTURE_CONDITION = `e.lattice IS NOT NULL AND e.frac_coords IS NOT NULL AND e.species IS NOT NULL AND e.withdrawn_at IS NULL`;

export interface StructureResource {
  readonly type: "structures";
  readonly id: string;
  readonly attributes: Record<string, unknown>;
}

export function structureId(source: string, sourceId: string): string {
  return `${source}:${sourceId}`;
}

function formatAmount(n: number): string {
  return n === 1 ? "" : String(Number(n.toPrecision(12)));
}

/** Hill order: carbon first, then hydrogen, then the rest alphabetically; without carbon, all alphabetically. */
export function hillFormula(composition: Composition): string {
  const symbols = composition.elements;
  const ordered = symbols.includes("C")
    ? ["C", ...(symbols.includes("H") ? ["H"] : []), ...symbols.filter((s) => s !== "C" && s !== "H")]
    : symbols;
  const reduced = Composition.parse(composition.reducedFormula).amounts;
  return ordered.map((s) => s + formatAmount(reduced.get(s) as number)).join("");
}

export function toStructureResource(row: StructureRow): StructureResource {
  const composition = Composition.parse(row.formula);
  const fractions = composition.fractions();
  const lattice = [row.lattice.slice(0, 3), row.lattice.slice(3, 6), row.lattice.slice(6, 9)];
  const positions: number[][] = [];
  for (let i = 0; i + 2 < row.fracCoords.length; i += 3) {
    positions.push(fracToCart(lattice, row.fracCoords.slice(i, i + 3)));
  }
  const speciesNames = [...new Set(row.species)].sort();
  return {
    type: "structures",
    id: structureId(row.source, row.sourceId),
    attributes: {
      last_modified: row.fetchedAt.toISOString(),
      elements: row.elements,
      nelements: row.nelements,
      elements_ratios: row.elements.map((el) => fractions.get(el) ?? 0),
      chemical_formula_descriptive: row.formula,
      chemical_formula_reduced: row.formula,
      chemical_formula_hill: hillFormula(composition),
      chemical_formula_anonymous: row.formulaAnonymous,
      dimension_types: [1, 1, 1],
      nperiodic_dimensions: 3,
      lattice_vectors: lattice,
      cartesian_site_positions: positions,
      nsites: row.species.length,
      species_at_sites: row.species,
      species: speciesNames.map((name) => ({
        name,
        chemical_symbols: [name],
        concentration: [1.0],
        mass: [elementInfo(name)?.atomicMassAmu ?? null],
      })),
      structure_features: [],
      _matgraph_source: row.source,
      _matgraph_source_id: row.sourceId,
      _matgraph_material_id: row.materialId,
      _matgraph_chemsys: row.chemsys,
    },
  };
}
