import type { Source } from "../domain/source";
import type { CanonicalEntry } from "../services/canonical-entry";

/**
 * One source behind one small interface: pages of raw records from a cursor, and
 * one raw record normalised into a canonical entry. The pipeline does the rest.
 */

/** Where to continue: whatever the adapter needs, JSON-serialisable (stored as the run's checkpoint). */
export type Cursor = string | number | Readonly<Record<string, string | number | null>>;

export interface SourcePage {
  readonly records: readonly unknown[];
  /** Where the next page starts; null after the last page. */
  readonly next: Cursor | null;
  /** The source's database release, where the response states one. */
  readonly release?: string;
  /** Records the whole listing holds, where the response states it (for progress and ETA). */
  readonly total?: number;
  /** Context later normalise calls need (e.g. the OPTIMADE provider prefix). */
  readonly context?: Readonly<Record<string, string>>;
}

export interface SourceAdapter {
  readonly source: Source;
  /** "api" or "dump". */
  readonly kind: string;
  /** What is read, stable across runs (URL without secrets, or dump name): runs of one target resume each other. */
  readonly target: string;
  /**
   * True when a complete run lists everything the source holds under `withdrawScope`
   * (no filter), so that ids missing from it can be marked withdrawn.
   */
  readonly isFullListing: boolean;
  pages(from: Cursor | null, signal?: AbortSignal): AsyncIterable<SourcePage>;
  /** Throws RecordError for a record that cannot become an entry. */
  normalise(raw: unknown, page: SourcePage): CanonicalEntry;
  /** The record's id, for reporting a record that failed to normalise. */
  idOf(raw: unknown): string | undefined;
  /** Source ids of this listing start with this (OPTIMADE: one provider/database); "" = the whole source. */
  withdrawScope(page: SourcePage | undefined): string;
}
