/** Errors of the ingest layer, each with a fixed code. */

/** A source record that cannot become an entry: skipped and reported by its id, the run goes on. */
export class RecordError extends Error {
  readonly code = "BAD_RECORD";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RecordError";
  }
}

/** A page or dump that cannot be read after every retry: the run stops (and can be resumed). */
export class FetchError extends Error {
  readonly code = "UPSTREAM_UNAVAILABLE";
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "FetchError";
  }
}

/** The run was stopped on request (AbortSignal). */
export class IngestAbortedError extends Error {
  readonly code = "INGEST_ABORTED";
  constructor(message = "ingest run aborted") {
    super(message);
    this.name = "IngestAbortedError";
  }
}
