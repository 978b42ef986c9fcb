/**
 * A JSON document (e.g. an OQMD page) split around one top-level array field of objects
 * (its `data` list): each element's text as it stands in the document, and the rest of the
 * document parsed, with that array left empty. The elements are parsed one at a time as
 * they are normalised (see UnparsedRecord), and stored as the source sent them.
 */
export interface ArrayFieldSplit {
  readonly texts: string[];
  /** The document without the array's elements, parsed. */
  readonly rest: unknown;
}

/**
 * Undefined when the field is missing or holds anything but objects, and when the document
 * is not whole (a body cut off on the way: the array or the document does not close, or
 * the rest does not parse). Only boundaries are found in the elements: each is checked
 * when it is parsed.
 */
export function splitArrayField(json: string, field: string): ArrayFieldSplit | undefined {
  const found = arrayField(json, field);
  if (!found) return undefined;
  try {
    return { texts: found.texts, rest: JSON.parse(json.slice(0, found.open + 1) + json.slice(found.close)) };
  } catch {
    return undefined;
  }
}

const QUOTE = 34;
const BACKSLASH = 92;

/** The elements' texts and where the array opens and closes (its brackets' indices). */
function arrayField(json: string, field: string): { texts: string[]; open: number; close: number } | undefined {
  const n = json.length;
  let depth = 0;
  let i = 0;
  // Inside the wanted array: depth of its elements, and where the current element began.
  let elementDepth = -1;
  let elementStart = -1;
  let open = -1;
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
        open = i;
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
        return { texts, open, close: i }; // the array closed
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
