import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Source } from "../../src/domain/source";
import { latticeParameters } from "../../src/engine/structure/crystal";
import { parseCif, parseExtxyz, parsePoscar } from "../../src/engine/structure/formats";
import type { CanonicalEntry } from "../../src/services/canonical-entry";
import { writeEntries } from "../../src/services/entry-writer";
import { startTestServer, type TestServer } from "../support/test-server";
import { STORE_KIND } from "../support/test-store";

const rocksalt: CanonicalEntry = {
  source: Source.AFLOW,
  sourceId: "aflow:nacl,1",
  formula: "NaCl",
  structure: {
    lattice: [
      [0, 2.82, 2.82],
      [2.82, 0, 2.82],
      [2.82, 2.82, 0],
    ],
    fracCoords: [
      [0, 0, 0],
      [0.5, 0.5, 0.5],
    ],
    species: ["Na", "Cl"],
  },
  properties: [],
};
const rutile: CanonicalEntry = {
  source: Source.MP,
  sourceId: "mp-2657",
  formula: "TiO2",
  structure: {
    lattice: [
      [4.594, 0, 0],
      [0, 4.594, 0],
      [0, 0, 2.959],
    ],
    fracCoords: [
      [0, 0, 0],
      [0.5, 0.5, 0.5],
      [0.305, 0.305, 0],
      [0.695, 0.695, 0],
      [0.805, 0.195, 0.5],
      [0.195, 0.805, 0.5],
    ],
    species: ["Ti", "Ti", "O", "O", "O", "O"],
  },
  properties: [],
};
const noStructure: CanonicalEntry = { source: Source.OQMD, sourceId: "1234", formula: "TiO2", properties: [] };

/** The members of a ustar archive: name and text. */
function untar(buffer: Buffer): Array<{ name: string; text: string }> {
  const out: Array<{ name: string; text: string }> = [];
  for (let offset = 0; offset + 512 <= buffer.length;) {
    const header = buffer.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString("ascii").replace(/\0.*$/s, "");
    const size = parseInt(header.subarray(124, 136).toString("ascii").replace(/\0.*$/s, "").trim(), 8);
    out.push({ name, text: buffer.subarray(offset + 512, offset + 512 + size).toString("utf8") });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

function expectSameCrystal(
  read: { lattice: number[][]; species: string[]; fracCoords: number[][] },
  entry: CanonicalEntry,
) {
  const s = entry.structure!;
  expect(read.species).toEqual(s.species);
  read.fracCoords.forEach((f, i) => f.forEach((x, k) => expect(x).toBeCloseTo(s.fracCoords[i]![k]!, 6)));
  const a = latticeParameters(read.lattice as [number[], number[], number[]]);
  const b = latticeParameters(s.lattice as unknown as [number[], number[], number[]]);
  for (const k of ["a", "b", "c", "alphaDeg", "betaDeg", "gammaDeg"] as const) expect(a[k]).toBeCloseTo(b[k], 6);
}

describe(`structure file export on ${STORE_KIND}`, () => {
  let t: TestServer;
  let base: string;
  beforeAll(async () => {
    t = await startTestServer();
    base = `http://127.0.0.1:${t.server.port}/export`;
    await t.store.dataSource.transaction((m) => writeEntries(m, [rocksalt, rutile, noStructure]));
  });
  afterAll(async () => {
    await t?.close();
  });

  it("streams every matching structure as CIF blocks that read back the same", async () => {
    const res = await fetch(`${base}/structures.cif`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain("structures.cif");
    const crystals = parseCif(await res.text());
    expect(crystals).toHaveLength(2); // the OQMD entry has no structure
    expectSameCrystal(crystals[0]!, rocksalt);
    expectSameCrystal(crystals[1]!, rutile);
  });

  it("applies the materials filter and writes extended XYZ frames", async () => {
    const res = await fetch(`${base}/structures.extxyz?hasAll=Ti,O`);
    const frames = parseExtxyz(await res.text());
    expect(frames).toHaveLength(1);
    expectSameCrystal(frames[0]!, rutile);
  });

  it("packs POSCAR files, one structure each, into a tar archive", async () => {
    const res = await fetch(`${base}/structures.poscar`);
    expect(res.headers.get("content-type")).toBe("application/x-tar");
    const members = untar(Buffer.from(await res.arrayBuffer()));
    expect(members.map((m) => m.name)).toEqual(["AFLOW_aflow_nacl_1.vasp", "MP_mp-2657.vasp"]);
    expectSameCrystal(parsePoscar(members[1]!.text), rutile);
  });

  it("refuses a bad filter with 400 naming it", async () => {
    const res = await fetch(`${base}/structures.cif?hasAll=Xx`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('"Xx"');
  });
});
