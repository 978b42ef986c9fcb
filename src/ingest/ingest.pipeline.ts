import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { DataSource } from "typeorm";
import type { Source } from "../domain/source";
import { BatchBuilder, type PreparedEntries } from "../services/entry-batch";
import { storeTakesCopy, writeEntries } from "../services/entry-writer";
import { rawTextOnly, UnparsedRecord } from "../services/ingest-raw-text";
import { IngestRunRecorder, type RunCounts } from "../services/ingest-run.recorder";
import type { IngestRunStatus, SkippedRecord } from "../store/ingest-run.entity";
import { IngestAbortedError, RecordError } from "./ingest.errors";
import type { Cursor, SourceAdapter, SourcePage } from "./source-adapter";

/**
 * The one pipeline every source goes through: stream pages from the adapter (the next
 * page is fetched while the current one is normalised), normalise each record (a record
 * that fails is skipped and reported by its id), upsert in batches of `batchSize`
 * in one transaction each (a batch is written while the next one is read), and after
 * each batch store the run's counts and its checkpoint (the cursor after the last page
 * written) in the same transaction.
 * `resume` continues the newest unfinished run of the same target from its checkpoint;
 * records written twice around a crash are upserts and change nothing.
 *
 * A complete, unlimited run of a full listing also records every id it saw; ids of
 * the source (within the adapter's scope) that it did not see are marked withdrawn,
 * never deleted. Memory holds at most two pages, the batch being filled and the batch
 * being written.
 */
export interface IngestOptions {
  /** Stop after this many records (counting skipped ones); a limited run withdraws nothing. */
  readonly limit?: number;
  readonly resume?: boolean;
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: IngestProgress) => void;
  readonly onRunStarted?: (runId: number) => void;
  /** Stored with the run for display; must hold no secrets. */
  readonly runOptions?: Readonly<Record<string, unknown>>;
}

export interface IngestProgress extends RunCounts {
  readonly runId: number;
  readonly total?: number;
}

export interface IngestSummary extends RunCounts {
  readonly runId: number;
  readonly source: Source;
  readonly target: string;
  readonly status: IngestRunStatus;
  readonly release: string | null;
  readonly withdrawn: number;
  readonly resumed: boolean;
  readonly skippedRecords: readonly SkippedRecord[];
}

const DEFAULT_BATCH = 2000;

/**
 * Reading (normalising, preparing batches) and writing share one thread, and the writer
 * is the critical path: it sends a statement only once the previous reply has been
 * handled. The reader hands the thread back after every this many records (about a
 * millisecond of work), so a reply waits that long at most, not for a whole page.
 */
const READ_SLICE = 50;

/** The run's read position when a batch was cut: what its checkpoint stands for. */
interface CutCounts {
  readonly fetched: number;
  readonly skipped: number;
  /** Length of the skipped-records list at the cut. */
  readonly skippedListed: number;
}

export async function runIngest(
  dataSource: DataSource,
  adapter: SourceAdapter,
  options: IngestOptions = {},
): Promise<IngestSummary> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const limit = options.limit ?? Infinity;
  const resumed = options.resume
    ? await IngestRunRecorder.resume(dataSource, { source: adapter.source, target: adapter.target })
    : undefined;
  const recorder =
    resumed?.recorder ??
    (await IngestRunRecorder.start(dataSource, {
      source: adapter.source,
      kind: adapter.kind,
      target: adapter.target,
      options: { ...options.runOptions, ...(options.limit !== undefined ? { limit: options.limit } : {}) },
    }));
  const runId = recorder.runId;
  options.onRunStarted?.(runId);

  const counts: RunCounts = resumed
    ? { ...resumed.counts }
    : { fetched: 0, inserted: 0, updated: 0, unchanged: 0, skipped: 0 };
  const skipped: SkippedRecord[] = resumed ? [...resumed.skipped] : [];
  const trackSeen = adapter.isFullListing && options.limit === undefined;
  let release: string | null = null;
  let total: number | undefined;
  let lastPage: SourcePage | undefined;
  let withdrawn = 0;
  const encode = await storeTakesCopy(dataSource);
  // Each entry is prepared (and, for COPY, encoded) as it is read, so that little of it lives until its batch is written.
  let batch = new BatchBuilder(encode);
  // A run that has just inserted a whole batch most likely reads on into new records.
  let lastBatchAllNew = false;

  // Writes overlap reading: while one batch is written, the next pages are fetched and
  // normalised. At most one batch is being written and one filled, so memory stays flat.
  let writing: Promise<void> = Promise.resolve();
  const cutNow = (): CutCounts => ({ fetched: counts.fetched, skipped: counts.skipped, skippedListed: skipped.length });
  let committed = cutNow();
  const write = async (pending: PreparedEntries, checkpoint: Cursor | null | undefined, cut: CutCounts) => {
    await dataSource.transaction(async (manager) => {
      if (pending.entries.length > 0) {
        // Entries this run inserts are known to be seen by it (they are newer than the run, see
        // markWithdrawn): only the ones the store held already are listed, so a first ingest lists none.
        let existing: readonly string[] = [];
        const summary = await writeEntries(manager, pending, {
          runId,
          replaceProperties: true,
          expectNew: lastBatchAllNew,
          relaxedCommit: true,
          // The run's seen ids and its progress follow, in the same transaction: they refer to the run only.
          onlyRunFollows: true,
          ...(trackSeen ? { onExisting: (sourceIds: readonly string[]) => (existing = sourceIds) } : {}),
        });
        lastBatchAllNew = summary.inserted === pending.entries.length;
        counts.inserted += summary.inserted;
        counts.updated += summary.updated;
        counts.unchanged += summary.unchanged;
        if (existing.length > 0) {
          await manager.query(`INSERT INTO ingest_run_seen (run_id, source_id) SELECT $1, unnest($2::text[])`, [
            runId,
            existing,
          ]);
        }
      }
      // Counts as of the batch's cut: records read after it are not behind this checkpoint yet.
      const stored = { ...counts, fetched: cut.fetched, skipped: cut.skipped };
      await recorder.progress(stored, checkpoint ?? undefined, skipped.slice(0, cut.skippedListed), manager);
    });
    committed = cut;
    options.onProgress?.({
      runId,
      ...counts,
      fetched: cut.fetched,
      skipped: cut.skipped,
      ...(total !== undefined ? { total } : {}),
    });
  };
  /**
   * Closes the filled batch, then starts writing it once the previous write is done;
   * returns without waiting for it.
   */
  const flush = async (checkpoint: Cursor | null | undefined) => {
    const cut = cutNow();
    const prepared = batch.finish();
    batch = new BatchBuilder(encode);
    await writing;
    writing = write(prepared, checkpoint, cut);
    writing.catch(() => undefined); // awaited by the next flush or at the end; this only keeps it from counting as unhandled
  };

  const fromCursor = (resumed?.checkpoint ?? null) as Cursor | null;
  const iterator = adapter.pages(fromCursor, options.signal)[Symbol.asyncIterator]();
  let completed = false;
  // The run's first page is written alone: the database starts on it while the rest is read.
  let firstPage = true;
  try {
    let pending = iterator.next();
    pending.catch(() => undefined); // awaited below; this only keeps a failed prefetch from counting as unhandled
    let limited = false;
    for (;;) {
      const result = await pending;
      if (result.done) {
        await flush(null);
        await writing;
        completed = true;
        break;
      }
      const page = result.value;
      lastPage = page;
      if (options.signal?.aborted) throw new IngestAbortedError();
      if (page.next !== null) {
        pending = iterator.next();
        pending.catch(() => undefined);
      }
      if ((page.release && page.release !== release) || (page.total !== undefined && total === undefined)) {
        release = page.release ?? release;
        total = page.total ?? total;
        await recorder.describe({ ...(release ? { release } : {}), ...(total !== undefined ? { total } : {}) });
      }
      for (const item of page.records) {
        if (counts.fetched >= limit) {
          limited = true;
          break;
        }
        counts.fetched += 1;
        if (counts.fetched % READ_SLICE === 0) await yieldToEventLoop();
        let raw = item;
        try {
          if (item instanceof UnparsedRecord) raw = parseRecord(item);
          const entry = adapter.normalise(raw, page);
          // The entry keeps the record's text, not its parsed tree, which can then die young.
          if (item instanceof UnparsedRecord && entry.raw === raw) entry.raw = rawTextOnly(item.text);
          // Set on the adapter's fresh object rather than spread into a copy (one per record).
          if (release && !entry.release) entry.release = release;
          batch.add(entry);
        } catch (error) {
          counts.skipped += 1;
          skipped.push({
            id: adapter.idOf(raw) ?? `record ${counts.fetched}`,
            reason: error instanceof Error ? error.message : String(error),
          });
        }
      }
      if (limited || page.next === null) {
        await flush(page.next);
        await writing;
        completed = !limited;
        break;
      }
      if (batch.length >= batchSize || firstPage) await flush(page.next);
      firstPage = false;
    }
    if (completed && trackSeen) withdrawn = await markWithdrawn(dataSource, adapter, runId, lastPage);
    await recorder.finish("succeeded", counts, skipped, undefined, withdrawn);
  } catch (error) {
    await writing.catch(() => undefined); // a write still in flight ends before the run is marked
    const status: IngestRunStatus =
      error instanceof IngestAbortedError || options.signal?.aborted ? "cancelled" : "failed";
    // The run's row keeps the counts behind its checkpoint, so that a resume counts each record once.
    await recorder
      .finish(
        status,
        { ...counts, fetched: committed.fetched, skipped: committed.skipped },
        skipped.slice(0, committed.skippedListed),
        error,
      )
      .catch(() => undefined);
    throw error;
  } finally {
    await iterator.return?.(undefined)?.catch(() => undefined);
  }
  return {
    runId,
    source: adapter.source,
    target: adapter.target,
    status: "succeeded",
    release,
    withdrawn,
    resumed: resumed !== undefined,
    ...counts,
    skippedRecords: skipped,
  };
}

/**
 * Ids of the source (within the adapter's scope) this complete run did not see: withdrawn,
 * not deleted. Seen are the entries listed in ingest_run_seen (ones the store held before
 * the batch that read them) and every entry created since the run started (its own
 * inserts, which it does not list; also any a concurrent writer added meanwhile, which are
 * current by definition).
 */
async function markWithdrawn(
  dataSource: DataSource,
  adapter: SourceAdapter,
  runId: number,
  lastPage: SourcePage | undefined,
): Promise<number> {
  const scope = adapter.withdrawScope(lastPage);
  return dataSource.transaction(async (manager) => {
    const [row]: Array<{ n: number }> = await manager.query(
      `WITH gone AS (
         UPDATE entries e SET withdrawn_at = now(), withdrawn_run_id = $2
         WHERE e.source = $1 AND e.withdrawn_at IS NULL AND starts_with(e.source_id, $3)
           AND e.created_at < (SELECT r.started_at FROM ingest_runs r WHERE r.id = $2)
           AND NOT EXISTS (SELECT 1 FROM ingest_run_seen s WHERE s.run_id = $2 AND s.source_id = e.source_id)
         RETURNING e.id
       )
       SELECT count(*)::int AS n FROM gone`,
      [adapter.source, runId, scope],
    );
    await manager.query(`DELETE FROM ingest_run_seen WHERE run_id = $1`, [runId]);
    return row?.n ?? 0;
  });
}

/** A record that came as text, parsed; a text that is not JSON is a bad record like any other. */
function parseRecord(record: UnparsedRecord): unknown {
  try {
    return JSON.parse(record.text) as unknown;
  } catch (error) {
    throw new RecordError(`record is not valid JSON (${(error as Error).message.slice(0, 80)})`);
  }
}
