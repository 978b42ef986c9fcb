import type { PropertyKey } from "../domain/property-key";
import type { Source } from "../domain/source";

/**
 * What every ingest path produces and the store accepts: one source record with
 * its structure and properties already in canonical units (src/units.ts).
 */
export interface CanonicalStructure {
  /** Lattice vectors a, b, c as rows, Å. */
  readonly lattice: readonly [readonly number[], readonly number[], readonly number[]];
  /** Fractional coordinates, one triple per site. */
  readonly fracCoords: ReadonlyArray<readonly number[]>;
  readonly species: readonly string[];
}

export interface CanonicalProperty {
  readonly key: PropertyKey;
  /** In the key's canonical unit. */
  readonly value?: number;
  /** For array-valued keys (ELASTIC_TENSOR: 36 numbers, row-major 6×6 Voigt). */
  readonly values?: readonly number[];
  readonly unit: string;
  /** The value and unit as the source reported them. */
  readonly sourceValue?: number;
  readonly sourceUnit?: string;
  readonly method?: string;
  readonly temperatureK?: number;
}

export interface CanonicalEntry {
  readonly source: Source;
  readonly sourceId: string;
  readonly formula: string;
  readonly method?: string;
  readonly functional?: string;
  readonly spacegroupNumber?: number;
  readonly spacegroupSymbol?: string;
  readonly structure?: CanonicalStructure;
  /** Cell volume, Å³. */
  readonly volumeAngstrom3?: number;
  readonly densityGPerCm3?: number;
  /** The source's record; the ingest pipeline may swap it for its text alone (rawTextOnly). */
  raw?: unknown;
  readonly sourceUrl?: string;
  /** The source's release; the ingest pipeline sets the run's where the adapter gave none. */
  release?: string;
  readonly fetchedAt?: Date;
  readonly properties: readonly CanonicalProperty[];
}

/** An entry still being filled in (optional fields set only when the source has them). */
export type DraftEntry = { -readonly [K in keyof CanonicalEntry]: CanonicalEntry[K] };

/** A property still being filled in, as DraftEntry. */
export type DraftProperty = { -readonly [K in keyof CanonicalProperty]: CanonicalProperty[K] };

export interface WriteSummary {
  inserted: number;
  updated: number;
  unchanged: number;
}
