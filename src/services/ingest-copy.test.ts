import { describe, expect, it } from "vitest";
import { BinaryCopyRows } from "./ingest-copy";

/** What the store receives is checked end to end on PostgreSQL (tests/ingest-writer.test.ts); here, the bounds. */
describe("binary COPY rows", () => {
  it("refuses integers that do not fit their column instead of wrapping them", () => {
    const rows = new BinaryCopyRows(3).row();
    expect(() => rows.int4(2 ** 31)).toThrow(RangeError);
    expect(() => rows.int4(1.5)).toThrow(/not a 32-bit integer/);
    expect(() => rows.int2(40_000)).toThrow(/not a 16-bit integer/);
    expect(() => rows.patchInt4(rows.int4Slot(), -(2 ** 31) - 1)).toThrow(RangeError);
    expect(() =>
      rows
        .int4(-(2 ** 31))
        .int2(-32768)
        .int4(null),
    ).not.toThrow();
  });

  it("counts the bytes of text by its UTF-8 form, short or long, ASCII or not", () => {
    const texts = ["", "Fe2O3", "ünïcødé", "x".repeat(64), "é".repeat(65), "😀 ".repeat(40), "a".repeat(5000)];
    const rows = new BinaryCopyRows(texts.length).row();
    let expected = rows.offset;
    for (const t of texts) {
      rows.text(t);
      expected += 4 + Buffer.byteLength(t, "utf8");
      expect(rows.offset, JSON.stringify(t.slice(0, 12))).toBe(expected);
    }
  });
});
