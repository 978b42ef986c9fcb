import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { zipOne } from "../../tests/ingest/support/replay-server";
import { dumpRecords } from "./dump-reader";

/** Feeds `bytes` in chunks of `size` bytes, as a network or file stream would. */
async function* chunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(bytes: Buffer, size = 7): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const r of dumpRecords(chunks(bytes, size))) out.push(JSON.parse(r.text));
  return out;
}

const RECORDS = [
  { jid: "JVASP-1", s: "brackets ] } [ { inside", q: 'a "quoted" \\ back\\slash', n: [1, [2, { x: 3 }]] },
  { jid: "JVASP-2", atoms: { elements: ["Ni", "Ω"], coords: [[0, 0, 0]] }, e: "na" },
  { jid: "JVASP-3", empty: {}, list: [] },
  // Runs of backslashes before a quote (escaped or not) and at the end of a string.
  { jid: "JVASP-4", tail: "ends in a backslash \\", both: '\\"', many: '\\\\\\"}]x', after: ["]", "\\", "{"] },
];

describe("dumpRecords", () => {
  it("cuts a JSON array into its records whatever the chunk boundaries", async () => {
    const bytes = Buffer.from(JSON.stringify(RECORDS, null, 1));
    for (const size of [1, 2, 3, 7, 64, 1 << 16]) expect(await collect(bytes, size)).toEqual(RECORDS);
  });

  it("reads JSON lines", async () => {
    const bytes = Buffer.from(RECORDS.map((r) => JSON.stringify(r)).join("\n") + "\n");
    expect(await collect(bytes, 5)).toEqual(RECORDS);
  });

  it("undoes gzip and zip framing", async () => {
    const plain = Buffer.from(JSON.stringify(RECORDS));
    expect(await collect(gzipSync(plain), 11)).toEqual(RECORDS);
    expect(await collect(zipOne("dft_3d.json", plain), 11)).toEqual(RECORDS);
  });

  it("numbers records from 0 and reports a truncated dump", async () => {
    const indexes: number[] = [];
    for await (const r of dumpRecords(chunks(Buffer.from(JSON.stringify(RECORDS)), 9))) indexes.push(r.index);
    expect(indexes).toEqual(RECORDS.map((_, i) => i));
    const cut = Buffer.from(JSON.stringify(RECORDS).slice(0, 60));
    await expect(collect(cut)).rejects.toThrow(/truncated/);
  });

  it("rejects input that is neither an array nor JSON lines", async () => {
    await expect(collect(Buffer.from('"just a string"'))).rejects.toThrow(/JSON array of records or JSON lines/);
  });
});
