/**
 * The texts of the elements of one top-level array field of a JSON document (e.g. the
 * `data` list of an OQMD page), as they stand in the document, so that each record can
 * be stored as the source sent it without printing it again (see ingest-raw-text).
 * The document must already have parsed (this only finds boundaries, it validates
 * nothing). Returns undefined when the field is missing or holds anything but objects.
 */
const QUOTE = 34;
const BACKSLASH = 92;

export function arrayFieldTexts(json: string, field: string): string[] | undefined {
  const n = json.length;
  let depth = 0;
  let i = 0;
  // Inside the wanted array: depth of its elements, and where the current element began.
  let elementDepth = -1;
  let elementStart = -1;
  const texts: string[] = [];
  let expectKeyValue = false;
  while (i < n) {
    const ch = json.charCodeAt(i);
    if (ch === QUOTE) {
      if (depth === elementDepth || expectKeyValue) return undefined; // a string element, or the field holds a string
      const end = stringEnd(json, i);
      if (depth === 1 && elementDepth < 0 && json.slice(i + 1, end) === field) {
        // A key of the top-level object (a value would not be followed by ':').
        let k = end + 1;
        while (k < n && isSpace(json.charCodeAt(k))) k += 1;
        if (json.charCodeAt(k) === 58 /* : */) expectKeyValue = true;
        i = k + 1;
        continue;
      }
      i = end + 1;
      continue;
    }
    if (ch === 123 /* { */ || ch === 91 /* [ */) {
      if (expectKeyValue) {
        expectKeyValue = false;
        if (ch !== 91) return undefined;
        elementDepth = depth + 1;
      } else if (depth === elementDepth) {
        if (ch !== 123) return undefined;
        elementStart = i;
      }
      depth += 1;
    } else if (ch === 125 /* } */ || ch === 93 /* ] */) {
      depth -= 1;
      if (depth === elementDepth && elementStart >= 0) {
        texts.push(json.slice(elementStart, i + 1));
        elementStart = -1;
      } else if (elementDepth >= 0 && depth === elementDepth - 1) {
        return texts; // the array closed
      }
    } else if (expectKeyValue && !isSpace(ch)) {
      return undefined; // the field holds no array
    } else if (depth === elementDepth && !isSpace(ch) && ch !== 44 /* , */) {
      return undefined; // an element that is not an object
    }
    i += 1;
  }
  return undefined;
}

/** Index of the quote that closes the string opening at `start`. */
function stringEnd(json: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = json.indexOf('"', i);
    if (quote < 0) return json.length;
    let run = 0;
    for (let k = quote - 1; k > start && json.charCodeAt(k) === BACKSLASH; k -= 1) run += 1;
    if (run % 2 === 0) return quote;
    i = quote + 1;
  }
}

function isSpace(ch: number): boolean {
  return ch === 32 || ch === 10 || ch === 13 || ch === 9;
}
