import { describe, expect, it } from "vitest";
import { arrayFieldTexts } from "./json-array-texts";

describe("arrayFieldTexts", () => {
  it("cuts out each element of the named top-level array as it stands", () => {
    const body =
      '{"meta": {"data": [9]}, "note": "data", "data" : [ {"a": "x]}\\"", "b": [1, {"c": 2}]},\n {"data": []} ], "links": {}}';
    const texts = arrayFieldTexts(body, "data");
    expect(texts).toEqual(['{"a": "x]}\\"", "b": [1, {"c": 2}]}', '{"data": []}']);
    const parsed = (JSON.parse(body) as { data: unknown[] }).data;
    expect(texts!.map((t) => JSON.parse(t))).toEqual(parsed);
    expect(arrayFieldTexts('{"data": []}', "data")).toEqual([]);
  });

  it("gives up on what it cannot cut: no such field, not an array, elements that are not objects", () => {
    expect(arrayFieldTexts('{"items": [{}]}', "data")).toBeUndefined();
    expect(arrayFieldTexts('{"data": {"a": 1}}', "data")).toBeUndefined();
    expect(arrayFieldTexts('{"data": [{"a": 1}, 2]}', "data")).toBeUndefined();
    expect(arrayFieldTexts('{"data": null}', "data")).toBeUndefined();
    expect(arrayFieldTexts('{"data": "[{}]"}', "data")).toBeUndefined();
    expect(arrayFieldTexts('{"data": [{"a": 1}, "x"]}', "data")).toBeUndefined();
    expect(arrayFieldTexts('[{"data": [{}]}]', "data")).toBeUndefined();
  });
});
