/**
 * The properties of MatGraph's OPTIMADE `structures` entries: their OPTIMADE
 * type, unit, description and, for the queryable ones, the SQL that holds their
 * value. One structure is one entry (a source record) that carries a cell;
 * material-level properties come from its material row.
 *
 * Units: lengths in Å (lattice_vectors, cartesian_site_positions), masses in
 * atomic mass units (species[].mass), timestamps in UTC.
 */
export type OptimadeType =
  | "string"
  | "integer"
  | "float"
  | "timestamp"
  | "list-string"
  | "list-integer"
  | "list-float"
  | "list-list-float"
  | "list-dictionary";

/** Which table a property's SQL reads: the material row, the entry row, or neither (the same for every structure). */
export type PropertyLevel = "material" | "entry" | "constant";

export interface StructureProperty {
  readonly name: string;
  readonly type: OptimadeType;
  readonly description: string;
  readonly unit?: string;
  readonly level: PropertyLevel;
  /** The value as SQL, given the alias of its table; absent when the property cannot be filtered on. */
  readonly sql?: (alias: string) => string;
  /** For lists: a cheaper SQL for the number of items. */
  readonly lengthSql?: (alias: string) => string;
}

export const PROVIDER_PREFIX = "matgraph";

const PROPERTIES: readonly StructureProperty[] = [
  {
    name: "id",
    type: "string",
    description: "`<source>:<source id>`, e.g. `MP:mp-13`; unique among structures",
    level: "entry",
    sql: (e) => `(${e}.source || ':' || ${e}.source_id)`,
  },
  {
    name: "type",
    type: "string",
    description: "Always `structures`",
    level: "constant",
    sql: () => `'structures'::text`,
  },
  {
    name: "last_modified",
    type: "timestamp",
    description: "When MatGraph last fetched this record from its source",
    level: "entry",
    sql: (e) => `${e}.fetched_at`,
  },
  {
    name: "elements",
    type: "list-string",
    description: "Chemical symbols of the elements present, in alphabetical order",
    level: "material",
    sql: (m) => `${m}.elements`,
    lengthSql: (m) => `${m}.nelements`,
  },
  {
    name: "nelements",
    type: "integer",
    description: "Number of distinct elements",
    level: "material",
    sql: (m) => `${m}.nelements`,
  },
  {
    name: "elements_ratios",
    type: "list-float",
    description: "Atomic fraction of each element of `elements`, in the same order",
    level: "material",
  },
  {
    name: "chemical_formula_descriptive",
    type: "string",
    description: "The formula as MatGraph names the material (its reduced formula)",
    level: "material",
    sql: (m) => `${m}.formula`,
  },
  {
    name: "chemical_formula_reduced",
    type: "string",
    description:
      "Reduced formula: elements in alphabetical order, amounts divided by their greatest common divisor, 1 omitted",
    level: "material",
    sql: (m) => `${m}.formula`,
  },
  {
    name: "chemical_formula_hill",
    type: "string",
    description: "Reduced formula in Hill order (C, then H, then the other elements alphabetically)",
    level: "material",
  },
  {
    name: "chemical_formula_anonymous",
    type: "string",
    description: "Anonymous formula: A for the most abundant element, then B, …",
    level: "material",
    sql: (m) => `${m}.formula_anonymous`,
  },
  {
    name: "dimension_types",
    type: "list-integer",
    description: "Periodicity along each lattice vector: always [1, 1, 1]",
    level: "constant",
    sql: () => `ARRAY[1, 1, 1]::int[]`,
  },
  {
    name: "nperiodic_dimensions",
    type: "integer",
    description: "Number of periodic dimensions: always 3",
    level: "constant",
    sql: () => `3`,
  },
  {
    name: "lattice_vectors",
    type: "list-list-float",
    description: "Lattice vectors a, b, c as rows",
    unit: "Å",
    level: "entry",
  },
  {
    name: "cartesian_site_positions",
    type: "list-list-float",
    description: "Cartesian position of each site",
    unit: "Å",
    level: "entry",
  },
  {
    name: "nsites",
    type: "integer",
    description: "Number of sites in the cell",
    level: "entry",
    sql: (e) => `${e}.nsites`,
  },
  {
    name: "species_at_sites",
    type: "list-string",
    description: "Name of the species at each site (a chemical symbol)",
    level: "entry",
    sql: (e) => `${e}.species`,
  },
  {
    name: "species",
    type: "list-dictionary",
    description: "One species per element present: name, chemical_symbols, concentration [1.0], mass (amu)",
    level: "entry",
  },
  {
    name: "structure_features",
    type: "list-string",
    description: "Always empty: no disorder, implicit atoms, site attachments or assemblies",
    level: "constant",
    sql: () => `ARRAY[]::text[]`,
  },
  {
    name: `_${PROVIDER_PREFIX}_source`,
    type: "string",
    description: "The database the record comes from (AFLOW, OQMD, JARVIS, MP, OPTIMADE, USER, SIMULATION)",
    level: "entry",
    sql: (e) => `${e}.source`,
  },
  {
    name: `_${PROVIDER_PREFIX}_source_id`,
    type: "string",
    description: "The record's identifier in its source database",
    level: "entry",
    sql: (e) => `${e}.source_id`,
  },
  {
    name: `_${PROVIDER_PREFIX}_material_id`,
    type: "integer",
    description: "The MatGraph material (one per reduced composition) the record belongs to",
    level: "material",
    sql: (m) => `${m}.id`,
  },
  {
    name: `_${PROVIDER_PREFIX}_chemsys`,
    type: "string",
    description: "Chemical system: the elements in alphabetical order joined by '-'",
    level: "material",
    sql: (m) => `${m}.chemsys`,
  },
];

export const STRUCTURE_PROPERTIES: ReadonlyMap<string, StructureProperty> = new Map(PROPERTIES.map((p) => [p.name, p]));
