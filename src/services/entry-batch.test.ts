import { describe, expect, it } from "vitest";
import { PropertyKey } from "../domain/property-key";
import { Source } from "../domain/source";
import type { CanonicalEntry } from "./canonical-entry";
import { BatchBuilder } from "./entry-batch";
import { rawJsonText, rawTextOnly } from "./ingest-raw-text";

/**
 * A batch prepared for COPY keeps its entries as their rows and reads them back when a
 * path needs them whole (an update, a structure not seen before). What the store then
 * receives is checked on PostgreSQL (tests/ingest-writer.test.ts, tests/ingest/pipeline.test.ts);
 * here, that what is read back is what went in.
 */
const rutile: CanonicalEntry = {
  source: Source.JARVIS,
  sourceId: "JVASP-10036",
  formula: "TiO2", // its material's reduced formula is "O2Ti" (elements in alphabetical order)
  method: "DFT",
  functional: "OptB88vdW",
  spacegroupNumber: 136,
  spacegroupSymbol: "P4_2/mnm",
  structure: {
    lattice: [
      [4.6, 0, 0],
      [0, 4.6, 0],
      [0, 0, 2.96],
    ],
    fracCoords: [
      [0, 0, 0],
      [0.5, 0.5, 0.5],
      [0.3049, 0.3049, 0],
      [0.6951, 0.6951, 0],
      [0.8049, 0.1951, 0.5],
      [0.1951, 0.8049, 0.5],
    ],
    species: ["Ti", "Ti", "O", "O", "O", "O"],
  },
  volumeAngstrom3: 62.6336,
  densityGPerCm3: 4.23,
  raw: rawTextOnly('{"jid": "JVASP-10036", "note": "ünïcødé", "optb88vdw_bandgap": 1.77}'),
  sourceUrl: "https://www.ctcms.nist.gov/~knc6/jsmol/JVASP-10036.html",
  release: "dft_3d_2021",
  fetchedAt: new Date("2026-12-01T10:20:30.456Z"),
  properties: [
    { key: PropertyKey.BAND_GAP, value: 1.77, unit: "eV", sourceValue: 1.77, sourceUnit: "eV", method: "OptB88vdW" },
    { key: PropertyKey.EXFOLIATION_ENERGY, value: 0.0815, unit: "eV/atom", sourceValue: 81.5, sourceUnit: "meV/atom" },
    { key: PropertyKey.THERMAL_CONDUCTIVITY, value: 8.9, unit: "W/(m·K)", temperatureK: 300 },
    { key: PropertyKey.ELASTIC_TENSOR, values: Array.from({ length: 36 }, (_, i) => i / 7), unit: "GPa" },
  ],
};

const bare: CanonicalEntry = {
  source: Source.OQMD,
  sourceId: "4061",
  formula: "Fe2O3",
  properties: [{ key: PropertyKey.FORMATION_ENERGY_PER_ATOM, value: -1.69, unit: "eV/atom" }],
};

function readBack(entry: CanonicalEntry) {
  return {
    ...Object.fromEntries(
      (
        [
          "source",
          "sourceId",
          "formula",
          "method",
          "functional",
          "spacegroupNumber",
          "spacegroupSymbol",
          "structure",
          "volumeAngstrom3",
          "densityGPerCm3",
          "sourceUrl",
          "release",
          "fetchedAt",
        ] as const
      ).map((field) => [field, entry[field]]),
    ),
    raw: rawJsonText(entry.raw),
    properties: entry.properties.map((p) => ({ ...p })),
  };
}

describe("a batch prepared for COPY", () => {
  it("reads every field of its entries back as they were given, bit for bit", () => {
    const builder = new BatchBuilder(true);
    builder.add(rutile);
    builder.add(bare);
    const batch = builder.finish();
    expect(batch.encoded?.count).toBe(2);
    expect(batch.entries.map(readBack)).toEqual([readBack(rutile), { ...readBack(bare), fetchedAt: expect.any(Date) }]);
    expect(batch.entries[1]?.structure).toBeUndefined();
    expect(batch.entries[1]?.raw).toBeUndefined();
    expect(batch.fingerprints[0]).toMatch(/\S/);
    expect(batch.fingerprints[1]).toBeUndefined();
    expect(batch.materials.map((m) => m.formula)).toEqual(["O2Ti", "Fe2O3"]);
  });

  it("keeps the last record of a repeated id, at the place of its last occurrence", () => {
    const builder = new BatchBuilder(true);
    const updated = { ...rutile, densityGPerCm3: 4.25, properties: rutile.properties.slice(0, 1) };
    builder.add(rutile);
    builder.add(bare);
    builder.add(updated);
    const batch = builder.finish();
    expect(batch.recordCount).toBe(3);
    expect(batch.encoded?.count).toBe(2);
    expect(batch.entries.map(readBack)).toEqual([
      { ...readBack(bare), fetchedAt: expect.any(Date) },
      readBack(updated),
    ]);
    expect(batch.materials.map((m) => m.formula)).toEqual(["Fe2O3", "O2Ti"]);
    expect(batch.fingerprints[0]).toBeUndefined();
  });

  it("leaves no part of an entry it cannot encode, and reports it", () => {
    const builder = new BatchBuilder(true);
    builder.add(bare);
    expect(() => builder.add({ ...rutile, spacegroupNumber: 40_000 })).toThrow(/not a 16-bit integer/);
    builder.add(rutile);
    const batch = builder.finish();
    const clean = new BatchBuilder(true);
    clean.add(bare);
    clean.add(rutile);
    expect(batch.encoded?.byteLength).toBe(clean.finish().encoded?.byteLength);
    expect(batch.recordCount).toBe(2);
    expect(batch.encoded?.count).toBe(2);
    expect(batch.entries.map(readBack)).toEqual([{ ...readBack(bare), fetchedAt: expect.any(Date) }, readBack(rutile)]);
    expect(batch.materials.map((m) => m.formula)).toEqual(["Fe2O3", "O2Ti"]);
  });

  it("keeps the entries themselves when it does not encode (the embedded store)", () => {
    const builder = new BatchBuilder(false);
    builder.add(rutile);
    builder.add(bare);
    const batch = builder.finish();
    expect(batch.encoded).toBeUndefined();
    expect(batch.entries[0]).toBe(rutile);
    expect(batch.entries[1]).toBe(bare);
  });
});
