/**
 * The JSON text a raw source record was parsed from, kept with the parsed record so that
 * the writer stores that text as the entry's raw payload instead of printing the record
 * again with JSON.stringify (which showed in ingest profiles). The store keeps raw as
 * json, that is as this text; whether a re-ingested record changed is decided on the
 * parsed values (jsonb), so either text of the same record counts as unchanged.
 *
 * The text rides on the record under a non-enumerable symbol: JSON.stringify, spreads and
 * Object.keys do not see it, so a copy of the record never carries it. Only records that
 * reach the writer unchanged may carry it — the reader that parses a record attaches it,
 * and an adapter that edits a record before storing it stores a new object.
 */
const SOURCE_TEXT = Symbol("matgraph.ingest.sourceText");

/** JSON.parse(text), with `text` kept on the result when it is an object (a record). */
export function parseRecordText(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (typeof value === "object" && value !== null) keepRecordText(value, text);
  return value;
}

/** Keeps `text` (what `record` was parsed from, exactly) with the record. */
export function keepRecordText(record: object, text: string): void {
  Object.defineProperty(record, SOURCE_TEXT, { value: text, enumerable: false });
}

/** The raw payload as JSON text for the store: the source's own text where kept, else printed. */
export function rawJsonText(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === "object") {
    const text = (raw as { [SOURCE_TEXT]?: unknown })[SOURCE_TEXT];
    if (typeof text === "string") return text;
  }
  return JSON.stringify(raw);
}
