import { describe, expect, it } from "vitest";
import { keepRecordText, rawJsonText, rawTextOnly } from "./ingest-raw-text";

describe("raw record text", () => {
  it("stores a record's own text, and prints records that carry none", () => {
    const text = '{ "jid": "JVASP-1",\n  "x": 1.50, "list": [1, "na"] }';
    const record: object = JSON.parse(text) as object;
    keepRecordText(record, text);
    expect(rawJsonText(record)).toBe(text);
    // The text is invisible to printing, keys and copies: a copy (maybe edited) is printed afresh.
    expect(JSON.stringify(record)).toBe('{"jid":"JVASP-1","x":1.5,"list":[1,"na"]}');
    expect(Object.keys(record)).toEqual(["jid", "x", "list"]);
    const copy = { ...record, x: 2 };
    expect(rawJsonText(copy)).toBe('{"jid":"JVASP-1","x":2,"list":[1,"na"]}');
    expect(rawJsonText({ a: [1, null] })).toBe('{"a":[1,null]}');
    expect(rawJsonText("text")).toBe('"text"');
    expect(rawJsonText(null)).toBeNull();
    expect(rawJsonText(undefined)).toBeNull();
  });

  it("keeps only the text of a record that came as text", () => {
    const text = '{"z": 1.50, "a": [1e2]}';
    expect(rawJsonText(rawTextOnly(text))).toBe(text);
    expect(Object.keys(rawTextOnly(text))).toEqual([]);
  });
});
