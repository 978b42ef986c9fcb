import type { PropertyKey } from "../domain/property-key";
import type { Source } from "../domain/source";

/** Plain rows as services hand them to resolvers and the CLI. */
export interface MaterialRecord {
  readonly id: number;
  readonly formula: string;
  readonly elements: string[];
  readonly nelements: number;
  readonly chemsys: string;
  readonly anonymousFormula: string;
}

export interface EntryRecord {
  readonly id: number;
  readonly source: Source;
  readonly sourceId: string;
  readonly materialId: number;
  readonly method: string | null;
  readonly functional: string | null;
  readonly spacegroupNumber: number | null;
  readonly spacegroupSymbol: string | null;
  /** 9 numbers, lattice vectors as rows, Å. */
  readonly lattice: number[] | null;
  /** 3 per site. */
  readonly fracCoords: number[] | null;
  readonly species: string[] | null;
  readonly nsites: number | null;
  readonly volumeAngstrom3: number | null;
  readonly densityGPerCm3: number | null;
  readonly sourceUrl: string | null;
  readonly release: string | null;
  readonly fetchedAt: Date;
  readonly withdrawnAt: Date | null;
}

export interface PropertyRecord {
  readonly entryId: number;
  readonly materialId: number;
  readonly source: Source;
  readonly sourceId: string;
  readonly key: PropertyKey;
  readonly value: number | null;
  readonly values: number[] | null;
  readonly unit: string;
  readonly sourceValue: number | null;
  readonly sourceUnit: string | null;
  readonly method: string;
  readonly temperatureK: number | null;
  readonly updatedAt: Date;
}

export const MATERIAL_COLUMNS = `m.id, m.formula, m.elements, m.nelements, m.chemsys, m.formula_anonymous AS "anonymousFormula"`;

export const ENTRY_COLUMNS = `e.id, e.source, e.source_id AS "sourceId", e.material_id AS "materialId", e.method, e.functional,
  e.spacegroup_number AS "spacegroupNumber", e.spacegroup_symbol AS "spacegroupSymbol", e.lattice,
  e.frac_coords AS "fracCoords", e.species, e.nsites, e.volume AS "volumeAngstrom3", e.density AS "densityGPerCm3",
  e.source_url AS "sourceUrl", e.release, e.fetched_at AS "fetchedAt", e.withdrawn_at AS "withdrawnAt"`;

export const PROPERTY_COLUMNS = `p.entry_id AS "entryId", p.material_id AS "materialId", p.source,
  e.source_id AS "sourceId", p.key, p.value, p.value_array AS "values", p.unit, p.source_value AS "sourceValue",
  p.source_unit AS "sourceUnit", p.method, p.temperature_k AS "temperatureK", p.updated_at AS "updatedAt"`;
