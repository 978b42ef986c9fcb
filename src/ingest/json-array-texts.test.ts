import { describe, expect, it } from "vitest";
import { splitArrayField } from "./json-array-texts";

describe("splitArrayField", () => {
  it("cuts out each element of the named top-level array as it stands, and parses the rest", () => {
    const body =
      '{"meta": {"data": [9]}, "note": "data", "data" : [ {"a": "x]}\\"", "b": [1, {"c": 2}]},\n {"data": []} ], "links": {"next": null}}';
    const split = splitArrayField(body, "data");
    expect(split?.texts).toEqual(['{"a": "x]}\\"", "b": [1, {"c": 2}]}', '{"data": []}']);
    const parsed = JSON.parse(body) as { data: unknown[] };
    expect(split!.texts.map((t) => JSON.parse(t))).toEqual(parsed.data);
    expect(split!.rest).toEqual({ ...parsed, data: [] });
    expect(splitArrayField('{"data": []}', "data")).toEqual({ texts: [], rest: { data: [] } });
  });

  it("gives up on what it cannot cut: no such field, not an array, elements that are not objects", () => {
    expect(splitArrayField('{"items": [{}]}', "data")).toBeUndefined();
    expect(splitArrayField('{"data": {"a": 1}}', "data")).toBeUndefined();
    expect(splitArrayField('{"data": [{"a": 1}, 2]}', "data")).toBeUndefined();
    expect(splitArrayField('{"data": null}', "data")).toBeUndefined();
    expect(splitArrayField('{"data": "[{}]"}', "data")).toBeUndefined();
    expect(splitArrayField('{"data": [{"a": 1}, "x"]}', "data")).toBeUndefined();
    expect(splitArrayField('[{"data": [{}]}]', "data")).toBeUndefined();
  });

  it("gives up on a document cut off anywhere: inside the array, or after it", () => {
    const body = '{"data": [{"a": 1}, {"b": "}]"}], "links": {"next": "http://x/?offset=2"}}';
    expect(splitArrayField(body, "data")).toBeDefined();
    for (let cut = 1; cut < body.length; cut++) {
      expect(splitArrayField(body.slice(0, cut), "data"), `cut at ${cut}`).toBeUndefined();
    }
  });
});
