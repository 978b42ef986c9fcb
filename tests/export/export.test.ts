import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PropertyKey } from "../../src/domain/property-key";
import { Source } from "../../src/domain/source";
import { Composition } from "../../src/engine/chem/composition";
import type { CanonicalEntry } from "../../src/services/canonical-entry";
import { writeEntries } from "../../src/services/entry-writer";
import { DEFAULT_EXPORT_BATCH_ROWS } from "../../src/services/export.service";
import { seed } from "../support/seed";
import { startTestServer, type TestServer } from "../support/test-server";
import { STORE_KIND } from "../support/test-store";

/** A small RFC 4180 reader: the test must not trust the writer's own idea of quoting. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = "";
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else {
      field += c;
    }
  }
  if (field !== "" || row.length) rows.push([...row, field]);
  return rows;
}

interface Table {
  header: string[];
  rows: Array<Record<string, string>>;
}

const reduced = (formula: string) => Composition.parse(formula).reducedFormula;

describe(`bulk export over HTTP on ${STORE_KIND}`, () => {
  let t: TestServer;
  let entries: CanonicalEntry[];
  let base: string;

  beforeAll(async () => {
    t = await startTestServer();
    entries = await seed(t.store.dataSource);
    const odd: CanonicalEntry = {
      source: Source.USER,
      sourceId: 'odd,"id"\nwith newline',
      formula: "Zr",
      properties: [{ key: PropertyKey.BAND_GAP, value: 0.25, unit: "eV" }],
    };
    await t.store.dataSource.transaction((m) => writeEntries(m, [odd]));
    entries.push(odd);
    base = `http://127.0.0.1:${t.server.port}/export`;
  });
  afterAll(async () => {
    await t?.close();
  });

  async function csv(query: string): Promise<Table> {
    const response = await fetch(`${base}/materials.csv?${query}`);
    const text = await response.text();
    expect(response.status, text).toBe(200);
    const [header, ...rows] = parseCsv(text);
    return { header: header!, rows: rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ""]))) };
  }

  /** (formula, source) pairs the seed holds for entries passing `pick`, with the mean of each source's values of `key`. */
  function expectedPairs(pick: (e: CanonicalEntry) => boolean, key: PropertyKey): Map<string, number | null> {
    const values = new Map<string, number[]>();
    for (const e of entries.filter(pick)) {
      const id = `${reduced(e.formula)}|${e.source}`;
      const list = values.get(id) ?? [];
      for (const p of e.properties) if (p.key === key && p.value !== undefined) list.push(p.value);
      values.set(id, list);
    }
    return new Map([...values].map(([id, v]) => [id, v.length ? v.reduce((a, b) => a + b, 0) / v.length : null]));
  }

  it("exports one row per material × source with unit-bearing headers and the values of each source", async () => {
    const response = await fetch(`${base}/materials.csv?keys=BULK_MODULUS_VRH,BAND_GAP`);
    expect(response.headers.get("content-type")).toContain("text/csv");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="materials.csv"');
    const [header, ...rows] = parseCsv(await response.text());
    expect(header).toEqual([
      "material_id",
      "formula",
      "chemsys",
      "nelements",
      "source",
      "source_ids",
      "bulk_modulus_vrh_GPa",
      "band_gap_eV",
    ]);

    const expectedBulk = expectedPairs(() => true, PropertyKey.BULK_MODULUS_VRH);
    const expectedGap = expectedPairs(() => true, PropertyKey.BAND_GAP);
    expect(rows).toHaveLength(expectedBulk.size);
    const seen = new Set<string>();
    for (const r of rows) {
      const [, formula, chemsys, nelements, source, , bulk, gap] = r as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      const id = `${formula}|${source}`;
      expect(seen.has(id)).toBe(false);
      seen.add(id);
      expect(expectedBulk.has(id), id).toBe(true);
      const c = Composition.parse(formula);
      expect(chemsys).toBe(c.chemicalSystem);
      expect(Number(nelements)).toBe(c.nelements);
      const bulkWanted = expectedBulk.get(id) ?? null;
      const gapWanted = expectedGap.get(id) ?? null;
      if (bulkWanted === null) expect(bulk).toBe("");
      else expect(Number(bulk)).toBeCloseTo(bulkWanted, 10);
      if (gapWanted === null) expect(gap).toBe("");
      else expect(Number(gap)).toBeCloseTo(gapWanted, 10);
    }
    // The seed's Fe from MP has a bulk modulus but no band gap: an empty cell, not a zero.
    const fe = rows.find((r) => r[1] === "Fe" && r[4] === "MP")!;
    expect(fe[6]).toBe("170");
    expect(fe[7]).toBe("");
  });

  it("quotes fields holding commas, quotes and newlines (RFC 4180)", async () => {
    const raw = await (await fetch(`${base}/materials.csv?formula=Zr&keys=BAND_GAP`)).text();
    expect(raw).toContain('"odd,""id""\nwith newline"');
    const table = await csv("formula=Zr&keys=BAND_GAP");
    expect(table.rows).toEqual([
      expect.objectContaining({
        formula: "Zr",
        source: "USER",
        source_ids: 'odd,"id"\nwith newline',
        band_gap_eV: "0.25",
      }),
    ]);
  });

  it.each<[string, string, (e: CanonicalEntry, c: Composition) => boolean]>([
    [
      "hasAll + nelementsMin",
      "hasAll=Fe,O&nelementsMin=3",
      (_e, c) => c.elements.includes("Fe") && c.elements.includes("O") && c.nelements >= 3,
    ],
    ["hasOnly", "hasOnly=Fe,Ni,O", (_e, c) => c.elements.every((x) => ["Fe", "Ni", "O"].includes(x))],
    [
      "excludes + hasAny",
      "excludes=O,S,N&hasAny=Zn,Mg",
      (_e, c) =>
        !c.elements.some((x) => ["O", "S", "N"].includes(x)) && c.elements.some((x) => x === "Zn" || x === "Mg"),
    ],
    ["chemsys in any order", "chemsys=O-Ni-Fe", (_e, c) => c.chemicalSystem === "Fe-Ni-O"],
    ["formula in any multiple", "formula=Fe4Ni2O6", (_e, c) => c.reducedFormula === "Fe2NiO3"],
    [
      "OPTIMADE filter",
      `optimadeFilter=${encodeURIComponent('elements HAS ALL "Cu","S" AND nelements = 3')}`,
      (_e, c) => c.elements.includes("Cu") && c.elements.includes("S") && c.nelements === 3,
    ],
  ])("filters by %s like the materials query", async (_name, query, pick) => {
    const table = await csv(`${query}&keys=BAND_GAP`);
    const expected = expectedPairs((e) => pick(e, Composition.parse(e.formula)), PropertyKey.BAND_GAP);
    expect(expected.size).toBeGreaterThan(0);
    expect(table.rows.map((r) => `${r["formula"]}|${r["source"]}`).sort()).toEqual([...expected.keys()].sort());
  });

  it("keeps the rows of the listed sources and the materials whose values fall in a property range", async () => {
    const oqmd = await csv("sources=OQMD,AFLOW&keys=BAND_GAP");
    const wanted = expectedPairs((e) => e.source === "OQMD" || e.source === "AFLOW", PropertyKey.BAND_GAP);
    expect(oqmd.rows.map((r) => `${r["formula"]}|${r["source"]}`).sort()).toEqual([...wanted.keys()].sort());

    const ranged = await csv("property=BULK_MODULUS_VRH:120:200:AFLOW");
    expect(ranged.header.slice(6)).toEqual(["bulk_modulus_vrh_GPa"]);
    const materials = new Set(
      entries
        .filter(
          (e) =>
            e.source === "AFLOW" &&
            e.properties.some((p) => p.key === "BULK_MODULUS_VRH" && p.value! >= 120 && p.value! <= 200),
        )
        .map((e) => reduced(e.formula)),
    );
    expect(materials.size).toBeGreaterThan(3);
    expect(new Set(ranged.rows.map((r) => r["formula"]))).toEqual(materials);
    // Every source of those materials is exported, not only AFLOW's.
    expect(ranged.rows.length).toBe(expectedPairs((e) => materials.has(reduced(e.formula)), PropertyKey.BAND_GAP).size);
  });

  it("writes the same rows as JSON lines, with units in the keys", async () => {
    const response = await fetch(`${base}/materials.jsonl?hasAll=Ti&keys=BULK_MODULUS_VRH,BAND_GAP`);
    expect(response.headers.get("content-type")).toContain("application/x-ndjson");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="materials.jsonl"');
    const lines = (await response.text()).split("\n").filter(Boolean);
    const table = await csv("hasAll=Ti&keys=BULK_MODULUS_VRH,BAND_GAP");
    expect(lines).toHaveLength(table.rows.length);
    lines.forEach((line, i) => {
      const record = JSON.parse(line) as Record<string, unknown>;
      const row = table.rows[i]!;
      expect(Object.keys(record)).toEqual([
        "material_id",
        "formula",
        "chemsys",
        "elements",
        "nelements",
        "source",
        "source_ids",
        "bulk_modulus_vrh_GPa",
        "band_gap_eV",
      ]);
      expect(record["formula"]).toBe(row["formula"]);
      expect(record["source"]).toBe(row["source"]);
      expect(record["elements"]).toEqual(Composition.parse(row["formula"]!).elements);
      expect(record["bulk_modulus_vrh_GPa"]).toBe(
        row["bulk_modulus_vrh_GPa"] === "" ? null : Number(row["bulk_modulus_vrh_GPa"]),
      );
    });
  });

  it.each([
    ["an unknown element", "hasAll=Fe,Qq", 'unknown element "Qq"'],
    ["an empty range", "property=BAND_GAP:3:1", "min (3) is greater than max (1)"],
    ["a range without bounds", "property=BAND_GAP::", "needs min, max or both"],
    ["a malformed range", "property=BAND_GAP:1:2:MP:extra", "KEY:min:max[:SOURCE]"],
    ["an unknown key", "keys=BAND_GAPS", 'unknown property key "BAND_GAPS"'],
    ["an array key as a column", "keys=ELASTIC_TENSOR", "is an array"],
    ["an unknown source", "sources=MP,NOPE", 'unknown source "NOPE"'],
    ["a misspelt parameter", "hasall=Fe", 'unknown query parameter "hasall"'],
    ["a non-integer nelements", "nelementsMin=two", "nelementsMin must be an integer"],
    ["a malformed OPTIMADE filter", `optimadeFilter=${encodeURIComponent("nelements >= 3 AND")}`, "position 18"],
  ])("refuses %s with 400 naming it", async (_name, query, message) => {
    const response = await fetch(`${base}/materials.csv?${query}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("BAD_USER_INPUT");
    expect(body.error.message).toContain(message);
  });

  describe("a large export", () => {
    const MATERIALS = Math.ceil((DEFAULT_EXPORT_BATCH_ROWS * 2.2) / 2);
    const gapOf = (i: number) => (i % 50) / 10;

    beforeAll(async () => {
      const bulk: CanonicalEntry[] = [];
      for (let i = 2; i < MATERIALS + 2; i++) {
        for (const source of [Source.MP, Source.OQMD]) {
          bulk.push({
            source,
            sourceId: `bulk-${i}`,
            formula: `Hf${i}W${i + 1}`,
            properties: [
              { key: PropertyKey.BAND_GAP, value: gapOf(i) + (source === Source.MP ? 0 : 0.05), unit: "eV" },
            ],
          });
        }
      }
      for (let start = 0; start < bulk.length; start += 2000) {
        await t.store.dataSource.transaction((m) => writeEntries(m, bulk.slice(start, start + 2000)));
      }
    }, 180_000);

    it("streams every row once, read incrementally over several chunks", async () => {
      const response = await fetch(`${base}/materials.csv?hasAll=Hf,W&keys=BAND_GAP`);
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let chunks = 0;
      let pending = "";
      let lines = 0;
      const seen = new Set<string>();
      let checked = 0;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        chunks += 1;
        pending += decoder.decode(value, { stream: true });
        const parts = pending.split("\r\n");
        pending = parts.pop()!;
        for (const line of parts) {
          lines += 1;
          if (lines === 1) continue;
          const [, formula, , , source, sourceIds, gap] = line.split(",") as [
            string,
            string,
            string,
            string,
            string,
            string,
            string,
          ];
          const key = `${formula}|${source}`;
          expect(seen.has(key)).toBe(false);
          seen.add(key);
          const i = Number(/^Hf(\d+)W/.exec(formula)![1]);
          expect(sourceIds).toBe(`bulk-${i}`);
          expect(Number(gap)).toBeCloseTo(gapOf(i) + (source === "MP" ? 0 : 0.05), 10);
          checked += 1;
        }
      }
      expect(pending).toBe("");
      expect(chunks).toBeGreaterThan(1);
      expect(checked).toBe(MATERIALS * 2);
      expect(seen.size).toBe(MATERIALS * 2);
    });

    it("stops cleanly when the client goes away, and keeps serving", async () => {
      const controller = new AbortController();
      const response = await fetch(`${base}/materials.jsonl?hasAll=Hf,W`, { signal: controller.signal });
      const reader = response.body!.getReader();
      const first = await reader.read();
      expect(first.done).toBe(false);
      controller.abort();
      await reader.read().catch(() => undefined);
      const again = await csv("formula=Zr&keys=BAND_GAP");
      expect(again.rows).toHaveLength(1);
    });
  });
});
