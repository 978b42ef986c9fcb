import { describe, expect, it } from "vitest";
import { parseRecordText, rawJsonText } from "./ingest-raw-text";

describe("raw record text", () => {
  it("stores a parsed record's own text, and prints records that carry none", () => {
    const text = '{ "jid": "JVASP-1",\n  "x": 1.50, "list": [1, "na"] }';
    const record = parseRecordText(text);
    expect(record).toEqual({ jid: "JVASP-1", x: 1.5, list: [1, "na"] });
    expect(rawJsonText(record)).toBe(text);
    // The text is invisible to printing, keys and copies: a copy (maybe edited) is printed afresh.
    expect(JSON.stringify(record)).toBe('{"jid":"JVASP-1","x":1.5,"list":[1,"na"]}');
    expect(Object.keys(record as object)).toEqual(["jid", "x", "list"]);
    const copy = { ...(record as object), x: 2 };
    expect(rawJsonText(copy)).toBe('{"jid":"JVASP-1","x":2,"list":[1,"na"]}');
    expect(rawJsonText({ a: [1, null] })).toBe('{"a":[1,null]}');
    expect(rawJsonText("text")).toBe('"text"');
    expect(rawJsonText(null)).toBeNull();
    expect(rawJsonText(undefined)).toBeNull();
    expect(parseRecordText("3")).toBe(3);
  });
});
