import { describe, expect, it } from "vitest";
import { PropertyKey } from "../src/domain/property-key";
import { Source } from "../src/domain/source";
import type { CanonicalEntry } from "../src/services/canonical-entry";
import { writeEntries } from "../src/services/entry-writer";
import { rawTextOnly } from "../src/services/ingest-raw-text";
import { orphanProperties, storeEmptiedForEachTest } from "./ingest/support/ingest-fixtures";
import { STORE_KIND, type TestStore } from "./support/test-store";

/**
 * The batch writer binds every column as an array literal it builds itself: text that
 * needs quoting, NULLs, doubles that must come back bit for bit, array-valued
 * properties and structures of different sizes side by side must all survive, and
 * writing the same batch again must change nothing.
 */
const AWKWARD = ['quote " inside', "back\\slash", "comma, {braces}", "NULL", " spaced ", "ünïcødé"];

function entries(): CanonicalEntry[] {
  const tensor = Array.from({ length: 36 }, (_, i) => (i % 7 === 0 ? 100 + i / 3 : 0.1 * i));
  return AWKWARD.map((text, i) => ({
    source: Source.USER,
    sourceId: `${text}#${i}`,
    formula: i % 2 === 0 ? "Fe2O3" : "NaCl",
    method: text,
    functional: i === 0 ? undefined : text,
    spacegroupSymbol: text,
    ...(i % 3 === 0
      ? {}
      : {
          structure: {
            lattice: [
              [3.1 + i, 0, 0],
              [0.1 + 0.2, 4.2, 0],
              [0, 1e-300, 5.3],
            ],
            fracCoords: Array.from({ length: i + 1 }, (_, k) => [k / (i + 1), 1 / 3, 0.7]),
            species: Array.from({ length: i + 1 }, (_, k) => (k % 2 === 0 ? "Fe" : "O")),
          },
        }),
    volumeAngstrom3: i === 1 ? undefined : 10 / 3 + i,
    raw: { text, nested: { list: [1, null, "x"] }, i },
    properties: [
      {
        key: PropertyKey.BAND_GAP,
        value: 0.1 + 0.2 + i,
        unit: "eV",
        sourceValue: 0.1 + 0.2 + i,
        sourceUnit: "eV",
        method: text,
      },
      { key: PropertyKey.ELASTIC_TENSOR, values: tensor, unit: "GPa" },
      { key: PropertyKey.BAND_GAP, value: 2.5, unit: "eV", method: "hot", temperatureK: 300 + i / 7 },
    ],
  }));
}

describe(`entry writer on ${STORE_KIND}`, () => {
  let store: TestStore;
  storeEmptiedForEachTest((opened) => (store = opened));

  it("stores awkward text, NULLs, exact doubles, arrays and mixed structures as given; a rewrite changes nothing", async () => {
    const batch = entries();
    const first = await store.dataSource.transaction((m) => writeEntries(m, batch));
    expect(first).toEqual({ inserted: batch.length, updated: 0, unchanged: 0 });

    const rows: Array<Record<string, unknown>> = await store.dataSource.query(
      `SELECT e.source_id, e.method, e.functional, e.spacegroup_symbol, e.lattice, e.frac_coords, e.species, e.nsites,
              e.volume, e.raw, m.formula
       FROM entries e JOIN materials m ON m.id = e.material_id ORDER BY e.id`,
    );
    expect(rows).toHaveLength(batch.length);
    batch.forEach((e, i) => {
      const row = rows[i]!;
      expect(row).toMatchObject({
        source_id: e.sourceId,
        method: e.method,
        functional: e.functional ?? null,
        spacegroup_symbol: e.spacegroupSymbol,
        volume: e.volumeAngstrom3 ?? null,
        raw: e.raw,
        formula: e.formula === "NaCl" ? "ClNa" : "Fe2O3",
      });
      expect(row["lattice"]).toEqual(e.structure ? e.structure.lattice.flat() : null);
      expect(row["frac_coords"]).toEqual(e.structure ? e.structure.fracCoords.flat() : null);
      expect(row["species"]).toEqual(e.structure ? e.structure.species : null);
      expect(row["nsites"]).toEqual(e.structure ? e.structure.species.length : null);
    });

    const props: Array<Record<string, unknown>> = await store.dataSource.query(
      `SELECT e.source_id, p.key, p.method, p.value, p.value_array, p.temperature_k, p.source_value, p.source_unit,
              p.material_id = e.material_id AS same_material
       FROM properties p JOIN entries e ON e.id = p.entry_id ORDER BY e.id, p.temperature_k NULLS FIRST, p.key`,
    );
    expect(props).toHaveLength(batch.length * 3);
    batch.forEach((e, i) => {
      const [gap, tensor, hot] = props.slice(3 * i, 3 * i + 3);
      expect(gap).toMatchObject({
        method: e.method,
        value: 0.1 + 0.2 + i,
        source_value: 0.1 + 0.2 + i,
        same_material: true,
      });
      expect(tensor).toMatchObject({
        key: "ELASTIC_TENSOR",
        method: "",
        value: null,
        value_array: e.properties[1]!.values,
      });
      expect(hot).toMatchObject({ method: "hot", temperature_k: 300 + i / 7, source_unit: null });
    });

    const again = await store.dataSource.transaction((m) => writeEntries(m, entries()));
    expect(again).toEqual({ inserted: 0, updated: 0, unchanged: batch.length });
    const [{ n }] = await store.dataSource.query(`SELECT count(*)::int AS n FROM property_history`);
    expect(n).toBe(0);
  });

  it("reports which entries of a batch the store held before it (onExisting), not the ones it inserted", async () => {
    const all = entries();
    await store.dataSource.transaction((m) => writeEntries(m, all.slice(0, 3)));
    let existing: readonly string[] | undefined;
    const summary = await store.dataSource.transaction((m) =>
      writeEntries(m, all, { onExisting: (sourceIds) => (existing = sourceIds) }),
    );
    expect(summary).toEqual({ inserted: all.length - 3, updated: 0, unchanged: 3 });
    expect([...(existing ?? [])].sort()).toEqual(
      all
        .slice(0, 3)
        .map((e) => e.sourceId)
        .sort(),
    );
  });

  it("a batch wrongly expected to be all new is written as any other: each entry once, its properties once", async () => {
    const all = entries();
    await store.dataSource.transaction((m) => writeEntries(m, all.slice(0, 2), { replaceProperties: true }));
    const summary = await store.dataSource.transaction((m) =>
      writeEntries(m, all, { replaceProperties: true, expectNew: true }),
    );
    expect(summary).toEqual({ inserted: all.length - 2, updated: 0, unchanged: 2 });
    const [{ entries: n, properties }] = await store.dataSource.query(
      `SELECT (SELECT count(*)::int FROM entries) AS entries, (SELECT count(*)::int FROM properties) AS properties`,
    );
    expect(n).toBe(all.length);
    expect(properties).toBe(all.reduce((sum, e) => sum + e.properties.length, 0));
    expect(await orphanProperties(store.dataSource)).toBe(0);
  });

  it("keeps a record's raw text as the source sent it; the same values spelled otherwise count as unchanged", async () => {
    // Key order, spacing and number spelling that a parsed-and-printed copy would lose.
    const sent = '{"z": 1.50, "a": [1e2, "x"],  "m": {"b": null, "a": true}}';
    const record = (raw: unknown): CanonicalEntry => ({ ...entries()[1]!, raw });
    await store.dataSource.transaction((m) => writeEntries(m, [record(rawTextOnly(sent))]));
    const [row]: Array<{ raw: string }> = await store.dataSource.query(`SELECT raw::text AS raw FROM entries`);
    expect(row!.raw).toBe(sent);

    const respelled = '{"a":[100,"x"],"m":{"a":true,"b":null},"z":1.5}';
    const same = await store.dataSource.transaction((m) => writeEntries(m, [record(rawTextOnly(respelled))]));
    expect(same).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
    const changed = await store.dataSource.transaction((m) =>
      writeEntries(m, [record(rawTextOnly('{"a":[100,"x"],"m":{"a":true,"b":null},"z":1.6}'))]),
    );
    expect(changed).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
  });

  it("a changed value is updated and the old one kept in property_history", async () => {
    await store.dataSource.transaction((m) => writeEntries(m, entries()));
    const changed = entries();
    const target = changed[2]!;
    changed[2] = { ...target, properties: [{ ...target.properties[0]!, value: 9.75 }, ...target.properties.slice(1)] };
    const summary = await store.dataSource.transaction((m) => writeEntries(m, changed));
    expect(summary).toEqual({ inserted: 0, updated: 1, unchanged: changed.length - 1 });
    const history = await store.dataSource.query(
      `SELECT h.value, h.new_value FROM property_history h JOIN entries e ON e.id = h.entry_id WHERE e.source_id = $1`,
      [target.sourceId],
    );
    expect(history).toEqual([{ value: 0.1 + 0.2 + 2, new_value: 9.75 }]);
  });
});
