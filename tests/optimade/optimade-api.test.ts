import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Composition } from "../../src/engine/chem/composition";
import { optimadeFilterSql } from "../../src/optimade/filter-to-sql";
import type { CanonicalEntry } from "../../src/services/canonical-entry";
import { writeEntries } from "../../src/services/entry-writer";
import { SqlParams } from "../../src/services/material-filter";
import { seed } from "../support/seed";
import { startTestServer, type TestServer } from "../support/test-server";
import { STORE_KIND } from "../support/test-store";
import { expectedStructures, structureEntries, type ExpectedStructure } from "./structure-fixtures";

interface ErrorObject {
  status: string;
  title: string;
  detail: string;
  source?: { parameter: string };
  meta?: { position: number };
}
interface OptimadeBody {
  data?: unknown;
  links?: { next: string | null };
  meta: {
    api_version: string;
    data_returned?: number;
    more_data_available: boolean;
    provider: { prefix: string };
    warnings?: Array<{ detail: string }>;
  };
  errors?: ErrorObject[];
}
interface Resource {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
}

describe(`OPTIMADE provider over HTTP on ${STORE_KIND}`, () => {
  let t: TestServer;
  let base: string;
  let structures: ExpectedStructure[];
  let allEntries: CanonicalEntry[];

  beforeAll(async () => {
    t = await startTestServer();
    const seeded = await seed(t.store.dataSource);
    const extra = structureEntries();
    await t.store.dataSource.transaction((m) => writeEntries(m, extra));
    allEntries = [...seeded, ...extra];
    structures = expectedStructures(allEntries);
    base = `http://127.0.0.1:${t.server.port}/optimade/v1`;
  });
  afterAll(async () => {
    await t?.close();
  });

  async function get(url: string): Promise<{ status: number; body: OptimadeBody; contentType: string }> {
    const response = await fetch(url.startsWith("http") ? url : `${base}${url}`);
    return {
      status: response.status,
      body: (await response.json()) as OptimadeBody,
      contentType: response.headers.get("content-type") ?? "",
    };
  }

  /** Every id a filter returns, following links.next to the end; checks the paging on the way. */
  async function idsOf(filter: string, pageLimit = 500): Promise<string[]> {
    const ids: string[] = [];
    let url: string | null = `/structures?filter=${encodeURIComponent(filter)}&page_limit=${pageLimit}`;
    let returned: number | undefined;
    for (let guard = 0; url && guard < 100; guard++) {
      const { status, body } = await get(url);
      expect(status, JSON.stringify(body.errors)).toBe(200);
      returned ??= body.meta.data_returned;
      expect(body.meta.data_returned).toBe(returned);
      ids.push(...(body.data as Resource[]).map((r) => r.id));
      expect(body.meta.more_data_available).toBe(body.links?.next !== null);
      url = body.links?.next ?? null;
    }
    expect(ids.length).toBe(returned);
    return ids;
  }

  const matching = (predicate: (s: ExpectedStructure) => boolean): string[] =>
    structures
      .filter(predicate)
      .map((s) => s.id)
      .sort();

  // The filters of the specification's examples, and the issue's, each against the same predicate written in TypeScript.
  it.each<[string, (s: ExpectedStructure) => boolean]>([
    ['nelements >= 3 AND NOT elements HAS "Ag"', (s) => s.nelements >= 3 && !s.elements.includes("Ag")],
    ['elements HAS ALL "Si", "O"', (s) => s.elements.includes("Si") && s.elements.includes("O")],
    ['elements HAS ONLY "Fe","O"', (s) => s.elements.every((e) => e === "Fe" || e === "O")],
    ['elements HAS ANY "Na", "Ca"', (s) => s.elements.includes("Na") || s.elements.includes("Ca")],
    ['elements HAS "Si"', (s) => s.elements.includes("Si")],
    ['chemical_formula_reduced = "Fe2O3"', (s) => s.reduced === "Fe2O3"],
    ['chemical_formula_reduced != "Fe2O3"', (s) => s.reduced !== "Fe2O3"],
    ["nelements=2 AND elements LENGTH 2", (s) => s.nelements === 2],
    ["elements LENGTH >= 3", (s) => s.nelements >= 3],
    ["NOT (nsites > 10 OR nelements = 1)", (s) => !(s.nsites > 10 || s.nelements === 1)],
    ['chemical_formula_anonymous="A2B"', (s) => s.anonymous === "A2B"],
    ['id="MP:mp-13"', (s) => s.id === "MP:mp-13"],
    ['id != "MP:mp-13" AND nelements = 1', (s) => s.id !== "MP:mp-13" && s.nelements === 1],
    ["nelements<4", (s) => s.nelements < 4],
    ["5 < nsites", (s) => s.nsites > 5],
    ["nsites<=2 OR nsites>=16", (s) => s.nsites <= 2 || s.nsites >= 16],
    // Precedence: NOT binds tighter than AND, AND tighter than OR.
    [
      'NOT nelements = 1 OR nsites > 10 AND elements HAS "O"',
      (s) => s.nelements !== 1 || (s.nsites > 10 && s.elements.includes("O")),
    ],
    [
      '(NOT nelements = 1 OR nsites > 10) AND elements HAS "O"',
      (s) => (s.nelements !== 1 || s.nsites > 10) && s.elements.includes("O"),
    ],
    [
      'NOT ( chemical_formula_reduced = "NaCl" AND chemical_formula_anonymous = "AB" OR chemical_formula_anonymous = "A2B" AND NOT chemical_formula_reduced = "H2O" )',
      (s) => !((s.reduced === "NaCl" && s.anonymous === "AB") || (s.anonymous === "A2B" && s.reduced !== "H2O")),
    ],
    [
      'elements HAS "H" AND elements HAS ALL "H","He","Ga","Ta" AND elements HAS ONLY "H","He","Ga","Ta" AND elements HAS ANY "H", "He", "Ga", "Ta"',
      () => false,
    ],
    [
      'chemical_formula_anonymous CONTAINS "B2" AND chemical_formula_anonymous STARTS WITH "A5"',
      (s) => s.anonymous.includes("B2") && s.anonymous.startsWith("A5"),
    ],
    [
      'chemical_formula_reduced STARTS "Fe" AND chemical_formula_reduced ENDS WITH "O3"',
      (s) => s.reduced.startsWith("Fe") && s.reduced.endsWith("O3"),
    ],
    ["chemical_formula_hill IS KNOWN AND NOT chemical_formula_anonymous IS UNKNOWN", () => true],
    ['species_at_sites HAS "O" AND nsites > 4', (s) => s.species.includes("O") && s.nsites > 4],
    ['elements HAS < "C"', (s) => s.elements.some((e) => e < "C")],
    ['elements HAS ALL < "C", > "S"', (s) => s.elements.some((e) => e < "C") && s.elements.some((e) => e > "S")],
    ['elements HAS ONLY < "D"', (s) => s.elements.every((e) => e < "D")],
    ['_matgraph_source = "AFLOW"', (s) => s.source === "AFLOW"],
    ["nperiodic_dimensions = 3 AND dimension_types HAS ALL 1 AND structure_features LENGTH 0", () => true],
    [
      'last_modified >= "2024-01-05T00:00:00Z" AND last_modified < "2030-01-01T00:00:00+02:00"',
      (s) => structureIndex(s) >= 4 || structureIndex(s) === -1,
    ],
    // Another provider's property is unknown: its comparison never matches, not even negated.
    ["_exmpl_band_gap > 5.0 OR nelements = 1", (s) => s.nelements === 1],
    ["NOT _exmpl_band_gap > 5.0", () => false],
    ["_exmpl_band_gap IS UNKNOWN AND nsites = 2", (s) => s.nsites === 2],
  ])("filter %s", async (filter, predicate) => {
    const ids = await idsOf(filter);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(matching(predicate));
  });

  /** The fixture's position of a structure entry (fetchedAt is 2024-01-01 + index); -1 for the seed's mp-13, fetched now. */
  function structureIndex(s: ExpectedStructure): number {
    const sourceId = s.id.slice(s.id.indexOf(":") + 1);
    const match = /-s(\d+)$/.exec(sourceId);
    return match ? Number(match[1]) : -1;
  }

  it("warns that another provider's property was treated as unknown", async () => {
    const { body } = await get(`/structures?filter=${encodeURIComponent("_exmpl_band_gap > 5.0 OR nelements = 1")}`);
    expect(body.meta.warnings?.map((w) => w.detail).join(" ")).toContain("_exmpl_band_gap");
  });

  it("pages with links.next until the end, each structure once, in id order", async () => {
    const seen: string[] = [];
    let url: string | null = `${base}/structures?page_limit=7`;
    let pages = 0;
    while (url) {
      expect(url.startsWith("http://127.0.0.1:")).toBe(true);
      const { status, body } = await get(url);
      expect(status).toBe(200);
      const data = body.data as Resource[];
      expect(data.length).toBeLessThanOrEqual(7);
      seen.push(...data.map((r) => r.id));
      expect(body.meta.data_returned).toBe(structures.length);
      url = body.links?.next ?? null;
      pages += 1;
    }
    expect(pages).toBe(Math.ceil(structures.length / 7));
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(structures.map((s) => s.id).sort());

    const offsetIds: string[] = [];
    for (let offset = 0; offset < structures.length; offset += 9) {
      const { body } = await get(`/structures?page_limit=9&page_offset=${offset}`);
      offsetIds.push(...(body.data as Resource[]).map((r) => r.id));
    }
    expect(offsetIds).toEqual(seen);
  });

  it("keeps the filter and response_fields in links.next", async () => {
    const filter = 'elements HAS "O"';
    const first = await get(`/structures?filter=${encodeURIComponent(filter)}&page_limit=3&response_fields=nsites`);
    const next = new URL(first.body.links!.next!);
    expect(next.searchParams.get("filter")).toBe(filter);
    expect(next.searchParams.get("response_fields")).toBe("nsites");
    const second = await get(next.toString());
    for (const r of second.body.data as Resource[]) expect(Object.keys(r.attributes)).toEqual(["nsites"]);
  });

  it("trims attributes to response_fields, keeping id and type", async () => {
    const { status, body } = await get(`/structures?response_fields=nsites,elements,_matgraph_source&page_limit=5`);
    expect(status).toBe(200);
    for (const r of body.data as Resource[]) {
      expect(r.type).toBe("structures");
      expect(typeof r.id).toBe("string");
      expect(Object.keys(r.attributes).sort()).toEqual(["_matgraph_source", "elements", "nsites"]);
    }
    const bad = await get(`/structures?response_fields=nsites,band_gap`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]?.detail).toContain('"band_gap"');
  });

  it("serves one structure with OPTIMADE attributes computed from the stored cell", async () => {
    const { status, body, contentType } = await get(`/structures/${encodeURIComponent("MP:mp-13")}`);
    expect(status).toBe(200);
    expect(contentType).toContain("application/vnd.api+json");
    const r = body.data as Resource;
    expect(r).toMatchObject({ type: "structures", id: "MP:mp-13" });
    const a = r.attributes;
    expect(a["lattice_vectors"]).toEqual([
      [2.87, 0, 0],
      [0, 2.87, 0],
      [0, 0, 2.87],
    ]);
    expect(a["cartesian_site_positions"]).toEqual([
      [0, 0, 0],
      [1.435, 1.435, 1.435],
    ]);
    expect(a).toMatchObject({
      species_at_sites: ["Fe", "Fe"],
      elements: ["Fe"],
      nelements: 1,
      elements_ratios: [1],
      chemical_formula_reduced: "Fe",
      chemical_formula_anonymous: "A",
      chemical_formula_hill: "Fe",
      nsites: 2,
      dimension_types: [1, 1, 1],
      nperiodic_dimensions: 3,
      structure_features: [],
      _matgraph_source: "MP",
      _matgraph_source_id: "mp-13",
    });
    expect(a["species"]).toEqual([{ name: "Fe", chemical_symbols: ["Fe"], concentration: [1], mass: [55.845] }]);
    expect(Number.isNaN(Date.parse(a["last_modified"] as string))).toBe(false);

    // A skewed cell: Cartesian positions are fractional coordinates times the lattice rows.
    const entry = allEntries.find((e) => e.sourceId === "mp-s7")!;
    const one = await get(`/structures/MP:mp-s7`);
    const attrs = (one.body.data as Resource).attributes;
    const cart = attrs["cartesian_site_positions"] as number[][];
    const lattice = entry.structure!.lattice;
    entry.structure!.fracCoords.forEach((f, i) => {
      for (let k = 0; k < 3; k++) {
        expect(cart[i]![k]).toBeCloseTo(f[0]! * lattice[0][k]! + f[1]! * lattice[1][k]! + f[2]! * lattice[2][k]!, 10);
      }
    });
    expect(attrs["chemical_formula_reduced"]).toBe("Al2O5Si");
    expect(attrs["chemical_formula_hill"]).toBe("Al2O5Si");
    expect(attrs["elements_ratios"]).toEqual([2 / 8, 5 / 8, 1 / 8]);

    const methane = await get(`/structures/MP:mp-s15`);
    expect((methane.body.data as Resource).attributes["chemical_formula_hill"]).toBe("CH4");
  });

  it("answers unknown ids and endpoints with 404 in the OPTIMADE error format", async () => {
    for (const url of [`${base}/structures/MP:nope`, `${base}/calculations`, `${base}/structures/MP:mp-13/extra`]) {
      const { status, body } = await get(url);
      expect(status, url).toBe(404);
      expect(body.errors?.[0]).toMatchObject({ status: "404", title: "Not Found" });
      expect(body.meta.api_version).toBe("1.1.0");
    }
    const v2 = await get(`http://127.0.0.1:${t.server.port}/optimade/v2/info`);
    expect(v2.status).toBe(553);
  });

  it.each([
    ["nelements >= 3 AND", 400, 18, "expected a property name"],
    ['elements HAS ALL "Si",', 400, 22, "expected a value"],
    ["(nelements = 3", 400, 14, '")"'],
    ["nelements = 3)", 400, 13, "unbalanced"],
    ['chemical_formula_reduced = "Fe2O3', 400, 27, "not closed"],
    ["band_gap > 2", 400, 0, 'Unknown property "band_gap"'],
    ["nelements > 1 AND _matgraph_band_gap > 2", 400, 18, 'Unknown property "_matgraph_band_gap"'],
    ['last_modified > "last tuesday"', 400, 16, "RFC 3339"],
    ['nelements = "three"', 501, 12, "needs a number"],
    ["elements = 3", 501, 11, "is a list: compare it with HAS or LENGTH"],
    ["elements HAS 3", 501, 13, "needs a string"],
    ['elements:_exmpl_counts HAS "H":6', 501, 0, "correlated lists"],
    ["5 < 7", 501, 0, "two constants"],
    ["nsites > nelements", 501, 0, "two properties"],
    ["lattice_vectors LENGTH 3", 501, 0, "cannot be filtered on"],
  ])("refuses %j with %i naming position %i", async (filter, status, position, message) => {
    const { status: got, body } = await get(`/structures?filter=${encodeURIComponent(filter)}`);
    expect(got).toBe(status);
    const error = body.errors?.[0];
    expect(error?.status).toBe(String(status));
    expect(error?.title).toBe(status === 400 ? "Bad Request" : "Not Implemented");
    expect(error?.detail).toContain(message);
    expect(error?.meta?.position).toBe(position);
    expect(error?.source?.parameter).toBe("filter");
    expect(body.meta.api_version).toBe("1.1.0");
  });

  it("refuses page limits above the maximum, unknown sorts and response formats", async () => {
    expect((await get(`/structures?page_limit=501`)).status).toBe(403);
    expect((await get(`/structures?page_limit=0`)).status).toBe(400);
    expect((await get(`/structures?sort=nsites`)).status).toBe(501);
    expect((await get(`/structures?response_format=xml`)).status).toBe(400);
  });

  it("describes itself at /info, /info/structures and /links, versioned and not", async () => {
    for (const prefix of [base, `http://127.0.0.1:${t.server.port}/optimade`]) {
      const info = await get(`${prefix}/info`);
      expect(info.status).toBe(200);
      const attributes = (info.body.data as { attributes: Record<string, unknown> }).attributes;
      expect(attributes).toMatchObject({
        api_version: "1.1.0",
        formats: ["json"],
        entry_types_by_format: { json: ["structures"] },
        available_endpoints: expect.arrayContaining(["info", "links", "structures"]),
        is_index: false,
      });
      expect((attributes["available_api_versions"] as Array<{ url: string }>)[0]!.url).toBe(`${base}`);
      expect(info.body.meta.provider.prefix).toBe("matgraph");
    }
    const entryInfo = await get(`/info/structures`);
    const properties = (entryInfo.body.data as { properties: Record<string, { type: string }> }).properties;
    for (const name of [
      "id",
      "elements",
      "nelements",
      "chemical_formula_reduced",
      "chemical_formula_anonymous",
      "nsites",
      "lattice_vectors",
      "_matgraph_source",
    ]) {
      expect(properties[name], name).toBeDefined();
    }
    expect(properties["elements"]!.type).toBe("list");
    const versions = await fetch(`http://127.0.0.1:${t.server.port}/optimade/versions`);
    expect(versions.headers.get("content-type")).toContain("text/csv");
    expect(await versions.text()).toBe("version\n1\n");
    const links = await get(`/links`);
    expect(links.body.data).toEqual([]);
    const unversioned = await get(`http://127.0.0.1:${t.server.port}/optimade/structures?page_limit=1`);
    expect(unversioned.status).toBe(200);
    expect(unversioned.body.links?.next).toContain("/optimade/structures?");
  });

  it("translates the same grammar for materials (some entry matches)", async () => {
    const materialsMatching = async (filter: string): Promise<string[]> => {
      const params = new SqlParams();
      const where = optimadeFilterSql(filter, params, { material: "m" });
      const rows: Array<{ formula: string }> = await t.store.dataSource.query(
        `SELECT m.formula FROM materials m WHERE ${where} ORDER BY m.formula COLLATE "C"`,
        params.values,
      );
      return rows.map((r) => r.formula);
    };
    const formulasWhere = (pick: (c: Composition, entries: CanonicalEntry[]) => boolean): string[] => {
      const byFormula = new Map<string, CanonicalEntry[]>();
      for (const e of allEntries) {
        const f = Composition.parse(e.formula).reducedFormula;
        byFormula.set(f, [...(byFormula.get(f) ?? []), e]);
      }
      return [...byFormula]
        .filter(([f, es]) => pick(Composition.parse(f), es))
        .map(([f]) => f)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    };
    expect(await materialsMatching('elements HAS ALL "Fe", "O" AND nelements = 2')).toEqual(
      formulasWhere((c) => c.nelements === 2 && c.elements.includes("Fe") && c.elements.includes("O")),
    );
    expect(await materialsMatching('elements HAS "O" AND nsites > 8')).toEqual(
      formulasWhere((c, es) => c.elements.includes("O") && es.some((e) => (e.structure?.species.length ?? 0) > 8)),
    );
    expect(await materialsMatching('_matgraph_source = "JARVIS" OR id = "MP:mp-13"')).toEqual(
      formulasWhere((_c, es) => es.some((e) => e.source === "JARVIS" || (e.source === "MP" && e.sourceId === "mp-13"))),
    );
  });
});
