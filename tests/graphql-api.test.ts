import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Composition } from "../src/engine/chem/composition";
import { latticeParameters } from "../src/engine/structure/crystal";
import { STRUCTURE_FORMATS } from "../src/engine/structure/formats";
import type { CanonicalEntry } from "../src/services/canonical-entry";
import { seed } from "./support/seed";
import { startTestServer, type TestServer } from "./support/test-server";
import { STORE_KIND } from "./support/test-store";

interface Node {
  id: string;
  formula: string;
  elements: string[];
  nelements: number;
}
interface Page {
  materials: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ cursor: string; node: Node }>;
  };
}

const PAGE_QUERY = `
  query Page($filter: MaterialFilter, $orderBy: MaterialOrder, $first: Int, $after: String) {
    materials(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id formula elements nelements } }
    }
  }`;

describe(`GraphQL API over HTTP on ${STORE_KIND}`, () => {
  let t: TestServer;
  let entries: CanonicalEntry[];
  const materialsOf = (pick: (e: CanonicalEntry, c: Composition) => boolean): string[] =>
    [
      ...new Set(
        entries
          .filter((e) => pick(e, Composition.parse(e.formula)))
          .map((e) => Composition.parse(e.formula).reducedFormula),
      ),
    ].sort();

  beforeAll(async () => {
    t = await startTestServer();
    entries = await seed(t.store.dataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function allPages(
    variables: Record<string, unknown>,
    pageSize: number,
  ): Promise<{ formulas: string[]; total: number; nodes: Node[] }> {
    const nodes: Node[] = [];
    let after: string | null = null;
    let total = -1;
    for (let guard = 0; guard < 1000; guard++) {
      const res: Awaited<ReturnType<TestServer["gql"]>> & { data?: Page | null } = await t.gql<Page>(PAGE_QUERY, {
        ...variables,
        first: pageSize,
        after,
      });
      expect(res.errors).toBeUndefined();
      const page = res.data!.materials;
      total = page.totalCount;
      nodes.push(...page.edges.map((e) => e.node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    return { formulas: nodes.map((n) => n.formula), total, nodes };
  }

  it("pages through every material exactly once, in formula order", async () => {
    const { formulas, total } = await allPages({}, 17);
    const expected = materialsOf(() => true);
    expect(total).toBe(expected.length);
    expect(formulas).toEqual(expected);
  });

  it.each([
    [
      "hasAll",
      { elements: { hasAll: ["Fe", "O"] } },
      (c: Composition) => c.elements.includes("Fe") && c.elements.includes("O"),
    ],
    [
      "hasAny",
      { elements: { hasAny: ["Zn", "Mg"] } },
      (c: Composition) => c.elements.some((e) => e === "Zn" || e === "Mg"),
    ],
    [
      "hasOnly",
      { elements: { hasOnly: ["Fe", "Ni", "O"] } },
      (c: Composition) => c.elements.every((e) => ["Fe", "Ni", "O"].includes(e)),
    ],
    [
      "excludes",
      { elements: { excludes: ["O", "S", "N"] } },
      (c: Composition) => !c.elements.some((e) => ["O", "S", "N"].includes(e)),
    ],
    ["nelements", { nelements: { min: 3, max: 3 } }, (c: Composition) => c.nelements === 3],
    ["chemsys in any order", { chemsys: "O-Ni-Fe" }, (c: Composition) => c.chemicalSystem === "Fe-Ni-O"],
    ["formula in any multiple", { formula: "Fe4Ni2O6" }, (c: Composition) => c.reducedFormula === "Fe2NiO3"],
    [
      "combined",
      { elements: { hasAll: ["Cu"], excludes: ["S"] }, nelements: { min: 3 } },
      (c: Composition) => c.elements.includes("Cu") && !c.elements.includes("S") && c.nelements >= 3,
    ],
  ])("filters by %s", async (_name, filter, predicate) => {
    const { formulas, total } = await allPages({ filter }, 50);
    const expected = materialsOf((_e, c) => predicate(c));
    expect(expected.length).toBeGreaterThan(0);
    expect(total).toBe(expected.length);
    expect(formulas).toEqual(expected);
  });

  it("filters by source and by property range per source", async () => {
    const mpOnly = await allPages({ filter: { sources: ["OQMD"] } }, 100);
    expect(mpOnly.formulas).toEqual(materialsOf((e) => e.source === "OQMD"));

    const range = { key: "BULK_MODULUS_VRH", min: 120, max: 200, source: "AFLOW" };
    const res = await allPages({ filter: { properties: [range] } }, 100);
    const expected = materialsOf(
      (e) =>
        e.source === "AFLOW" &&
        e.properties.some((p) => p.key === "BULK_MODULUS_VRH" && p.value! >= 120 && p.value! <= 200),
    );
    expect(expected.length).toBeGreaterThan(3);
    expect(res.formulas).toEqual(expected);
  });

  it("orders by a property value, descending, across pages", async () => {
    const { nodes } = await allPages(
      { orderBy: { field: "PROPERTY", key: "BAND_GAP", direction: "DESC" }, filter: { elements: { hasAll: ["Ti"] } } },
      6,
    );
    const gapOf = new Map<string, number[]>();
    for (const e of entries) {
      const f = Composition.parse(e.formula).reducedFormula;
      for (const p of e.properties) if (p.key === "BAND_GAP") gapOf.set(f, [...(gapOf.get(f) ?? []), p.value!]);
    }
    const mean = (f: string) => {
      const v = gapOf.get(f)!;
      return v.reduce((a, b) => a + b, 0) / v.length;
    };
    const got = nodes.map((n) => mean(n.formula));
    expect(got).toEqual([...got].sort((a, b) => b - a));
    expect(nodes.length).toBe(
      materialsOf((e, c) => c.elements.includes("Ti") && e.properties.some((p) => p.key === "BAND_GAP")).length,
    );
    expect(new Set(nodes.map((n) => n.id)).size).toBe(nodes.length);
  });

  it("shows every source's value of a property side by side", async () => {
    const formula = Composition.parse(entries.find((e) => e.source === "OQMD")!.formula).reducedFormula;
    const res = await t.gql<{
      materialByFormula: {
        properties: Array<{
          source: string;
          value: number;
          unit: string;
          sourceId: string;
          entry: { sourceId: string };
        }>;
      };
    }>(
      `query($f: String!) { materialByFormula(formula: $f) { properties(keys: [BULK_MODULUS_VRH]) { source value unit sourceId entry { sourceId } } } }`,
      { f: formula },
    );
    expect(res.errors).toBeUndefined();
    const props = res.data!.materialByFormula.properties;
    const expected = entries
      .filter((e) => Composition.parse(e.formula).reducedFormula === formula)
      .map((e) => ({ source: e.source, value: e.properties.find((p) => p.key === "BULK_MODULUS_VRH")!.value }));
    expect(props.map((p) => ({ source: p.source, value: p.value }))).toEqual(
      expect.arrayContaining(expected.map((x) => expect.objectContaining(x))),
    );
    expect(props).toHaveLength(3);
    expect(new Set(props.map((p) => p.source))).toEqual(new Set(["AFLOW", "MP", "OQMD"]));
    for (const p of props) {
      expect(p.unit).toBe("GPa");
      expect(p.entry.sourceId).toBe(p.sourceId);
    }
  });

  it("serves an entry with its structure, spacegroup, array property and raw payload", async () => {
    interface EntryJson {
      formula: string;
      spacegroup: { number: number; symbol: string };
      structure: { nsites: number; volume: number; sites: Array<{ xyz: number[] }> };
      properties: Array<{ key: string; value: number | null; values: number[] | null }>;
      raw: unknown;
    }
    const res = await t.gql<{ entry: EntryJson }>(
      `{ entry(source: MP, sourceId: "mp-13") { source sourceId formula spacegroup { number symbol }
          structure { lattice nsites volume sites { species xyz abc } }
          properties { key value values unit sourceValue sourceUnit } raw material { formula } } }`,
    );
    expect(res.errors).toBeUndefined();
    const e = res.data!.entry;
    expect(e.formula).toBe("Fe");
    expect(e.spacegroup).toEqual({ number: 229, symbol: "Im-3m" });
    expect(e.structure.nsites).toBe(2);
    expect(e.structure.sites[1]?.xyz).toEqual([1.435, 1.435, 1.435]);
    expect(e.structure.volume).toBeCloseTo(2.87 ** 3, 10);
    const tensor = e.properties.find((p) => p.key === "ELASTIC_TENSOR");
    expect(tensor?.values).toHaveLength(36);
    expect(tensor?.value).toBeNull();
    const bulk = e.properties.find((p) => p.key === "BULK_MODULUS_VRH");
    expect(bulk).toMatchObject({ value: 170, unit: "GPa", sourceValue: 1700, sourceUnit: "kbar" });
    expect(e.raw).toEqual({ material_id: "mp-13", note: "built for tests" });
  });

  it.each(["cif", "poscar", "extxyz"] as const)(
    "writes an entry's structure as %s that reads back the same",
    async (format) => {
      const res = await t.gql<{ entry: { structureFile: string; structure: { lattice: number[][] } } }>(
        `query($f: StructureFileFormat!) { entry(source: MP, sourceId: "mp-13") { structureFile(format: $f) structure { lattice } } }`,
        { f: format.toUpperCase() },
      );
      expect(res.errors).toBeUndefined();
      const [crystal] = STRUCTURE_FORMATS[format].parse(res.data!.entry.structureFile);
      expect(crystal!.species).toEqual(["Fe", "Fe"]);
      expect(crystal!.fracCoords.flat()).toEqual([0, 0, 0, 0.5, 0.5, 0.5].map((x) => expect.closeTo(x, 6)));
      const stored = latticeParameters(res.data!.entry.structure.lattice as [number[], number[], number[]]);
      const read = latticeParameters(crystal!.lattice);
      for (const k of ["a", "b", "c", "alphaDeg", "betaDeg", "gammaDeg"] as const)
        expect(read[k]).toBeCloseTo(stored[k], 6);
      const noStructure = await t.gql<{ entry: { structureFile: string | null } }>(
        `{ entry(source: AFLOW, sourceId: "aflow-1") { structureFile(format: CIF) } }`,
      );
      expect(noStructure.data!.entry.structureFile).toBeNull();
    },
  );

  it("accepts an OPTIMADE filter in the materials query, and names the position of a malformed one", async () => {
    const { formulas } = await allPages(
      { filter: { optimadeFilter: 'elements HAS ALL "Fe","O" AND nelements = 3' } },
      100,
    );
    expect(formulas).toEqual(
      materialsOf((_e, c) => c.elements.includes("Fe") && c.elements.includes("O") && c.nelements === 3),
    );
    const bad = await t.gql(PAGE_QUERY, { filter: { optimadeFilter: "nelements >= 3 AND" } });
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(bad.errors?.[0]?.message).toContain("position 18");
  });

  it("serves automatic persisted queries: a hash alone once the query is known", async () => {
    const query = "{ sources { source entryCount } }";
    const sha256Hash = createHash("sha256").update(query).digest("hex");
    const post = async (body: unknown) =>
      (await (
        await fetch(`http://127.0.0.1:${t.server.port}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        })
      ).json()) as { data?: { sources: unknown[] }; errors?: Array<{ extensions?: { code?: string } }> };
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    expect((await post({ extensions })).errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    expect((await post({ query, extensions })).data?.sources).toHaveLength(7);
    expect((await post({ extensions })).data?.sources).toHaveLength(7);
  });

  it("answers a missing material or entry with NOT_FOUND", async () => {
    const res = await t.gql(`{ material(id: "987654") { id } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const entry = await t.gql(`{ entry(source: AFLOW, sourceId: "nope") { id } }`);
    expect(entry.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(entry.errors?.[0]?.message).toContain('"nope"');
  });

  it.each([
    ["an unknown element", { filter: { elements: { hasAll: ["Fe", "Qq"] } } }, 'unknown element "Qq"'],
    ["a bad formula", { filter: { formula: "Fe2O3)" } }, 'unexpected ")"'],
    [
      "an empty range",
      { filter: { properties: [{ key: "BAND_GAP", min: 3, max: 1 }] } },
      "min (3) is greater than max (1)",
    ],
    ["a range without bounds", { filter: { nelements: {} } }, "needs min, max or both"],
    ["a page over the limit", { first: 501 }, "first must be between 0 and 500"],
    ["a forged cursor", { after: "not-a-cursor" }, "invalid cursor"],
    ["PROPERTY order without a key", { orderBy: { field: "PROPERTY" } }, "orderBy.key is required"],
    ["an unknown chemsys element", { filter: { chemsys: "Fe-Oo" } }, 'unknown element "Oo"'],
  ])("refuses %s with BAD_USER_INPUT naming it", async (_name, variables, message) => {
    const res = await t.gql(PAGE_QUERY, variables);
    expect(res.data?.materials ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(res.errors?.[0]?.message).toContain(message);
  });

  it("refuses a misspelt enum or field instead of ignoring it", async () => {
    const badKey = await t.gql(`{ materials(filter: { properties: [{ key: BULK_MODULUS, min: 1 }] }) { totalCount } }`);
    expect(badKey.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const badField = await t.gql(`{ materials(filter: { element: { hasAll: ["Fe"] } }) { totalCount } }`);
    expect(badField.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(badField.errors?.[0]?.message).toContain("element");
  });

  it("refuses queries that are too deep or too costly", async () => {
    const nest = (levels: number): string =>
      levels === 0 ? "formula" : `entries { material { ${nest(levels - 1)} } }`;
    const deep = `{ materials { edges { node { ${nest(6)} } } } }`;
    const deepRes = await t.gql(deep);
    expect(deepRes.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
    expect(deepRes.errors?.[0]?.message).toMatch(/depth \d+ exceeds the limit of 12/);

    const costly = `{ materials(first: 500) { edges { node { entries { properties { entry { properties { entry { properties { value } } } } } } } } } }`;
    const costRes = await t.gql(costly);
    expect(costRes.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
    expect(costRes.errors?.[0]?.message).toContain("cost");
  });

  it("loads a page of materials with entries and properties in a constant number of statements", async () => {
    const query = `query($first: Int) { materials(first: $first) { edges { node { formula
        entries { sourceId formula properties(keys: [BULK_MODULUS_VRH]) { value } }
        properties(keys: [BAND_GAP, BULK_MODULUS_VRH]) { value source entry { sourceId } } } } } }`;
    const counts: number[] = [];
    for (const first of [5, 100]) {
      t.store.counter.reset();
      const res = await t.gql<{ materials: { edges: unknown[] } }>(query, { first });
      expect(res.errors).toBeUndefined();
      expect(res.data!.materials.edges).toHaveLength(first);
      counts.push(t.store.counter.count);
    }
    expect(counts[1]).toBe(counts[0]);
    // page + entries + entry properties + material properties (entries are primed by the page, loaded once)
    expect(counts[1]).toBeLessThanOrEqual(5);
  });
});
