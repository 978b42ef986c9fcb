/**
 * The JSON text a raw source record was parsed from, kept with the parsed record so that
 * the writer stores that text as the entry's raw payload instead of printing the record
 * again with JSON.stringify (which showed in ingest profiles). The store keeps raw as
 * json, that is as this text; whether a re-ingested record changed is decided on the
 * parsed values (jsonb), so either text of the same record counts as unchanged.
 *
 * The text rides on the record under a non-enumerable symbol: JSON.stringify, spreads and
 * Object.keys do not see it, so a copy of the record never carries it. Only records that
 * reach the writer unchanged may carry it. The ingest pipeline parses a record that came
 * as text (UnparsedRecord) and, when the adapter kept that record as the entry's raw
 * payload, swaps it for a holder of the text alone (rawTextOnly); an adapter that edits a
 * record before storing it stores a new object, which is printed.
 */
const SOURCE_TEXT = Symbol("matgraph.ingest.sourceText");

/**
 * A record still in the source's text, parsed only as it is normalised (a page's records
 * may come as these). Parsed a page at a time, records lived until their page was done,
 * and as their entries' raw payloads until the batch was written: surviving young, they
 * were a third of what the garbage collector copied and promoted in an OQMD ingest.
 */
export class UnparsedRecord {
  constructor(readonly text: string) {}
}

/** The raw payload an entry keeps of a record that came as text: the text alone, not the parsed tree. */
export function rawTextOnly(text: string): object {
  const holder = {};
  keepRecordText(holder, text);
  return holder;
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
