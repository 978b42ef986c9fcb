import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PropertyKey } from "../src/domain/property-key";
import { Source } from "../src/domain/source";
import { Composition } from "../src/engine/chem/composition";
import type { CanonicalEntry } from "../src/services/canonical-entry";
import type { MaterialFilter } from "../src/services/material-filter";
import { searchMaterials, type MaterialOrder } from "../src/services/material-search.service";
import { seed } from "./support/seed";
import { openTestStore, STORE_KIND, type TestStore } from "./support/test-store";

/**
 * Property ranges are answered two ways: a selective range is looked up in the
 * (key, value) index first and the page chosen among those materials; a wide one
 * is probed per material. Both must give the same pages, counts and cursors as
 * the seed data says; a cap of 0 forces the probe.
 */
describe(`property-range filters on ${STORE_KIND}`, () => {
  let store: TestStore;
  let entries: CanonicalEntry[];

  beforeAll(async () => {
    store = await openTestStore();
    entries = await seed(store.dataSource);
  });
  afterAll(async () => {
    await store?.close();
  });

  const reduced = (formula: string) => Composition.parse(formula).reducedFormula;

  function expected(pick: (e: CanonicalEntry) => boolean): string[] {
    return [...new Set(entries.filter(pick).map((e) => reduced(e.formula)))].sort();
  }

  function inRange(e: CanonicalEntry, key: PropertyKey, min: number, max: number, source?: Source): boolean {
    return (
      (!source || e.source === source) &&
      e.properties.some((p) => p.key === key && p.value != null && p.value >= min && p.value <= max)
    );
  }

  async function allPages(filter: MaterialFilter, orderBy: MaterialOrder | null, cap: number | undefined) {
    const formulas: string[] = [];
    let after: string | null = null;
    let total = -1;
    for (let guard = 0; guard < 100; guard++) {
      const page = await searchMaterials(store.dataSource, { filter, orderBy, first: 7, after, rangeLookupCap: cap });
      total = await page.totalCount();
      formulas.push(...page.materials.map((m) => m.material.formula));
      if (!page.hasNextPage) break;
      after = page.materials[page.materials.length - 1]!.cursor;
    }
    return { formulas, total };
  }

  const cases: Array<{ name: string; filter: MaterialFilter; want: () => string[] }> = [
    {
      name: "one range",
      filter: { properties: [{ key: PropertyKey.BAND_GAP, min: 1, max: 2.5 }] },
      want: () => expected((e) => inRange(e, PropertyKey.BAND_GAP, 1, 2.5)),
    },
    {
      name: "a range of one source, with an element",
      filter: {
        elements: { hasAll: ["O"] },
        properties: [{ key: PropertyKey.BULK_MODULUS_VRH, min: 100, max: 250, source: Source.AFLOW }],
      },
      want: () =>
        expected(
          (e) =>
            Composition.parse(e.formula).elements.includes("O") &&
            inRange(e, PropertyKey.BULK_MODULUS_VRH, 100, 250, Source.AFLOW),
        ),
    },
    {
      name: "two ranges, met by different entries of a material",
      filter: {
        properties: [
          { key: PropertyKey.BAND_GAP, min: 0.5, max: 3 },
          { key: PropertyKey.BULK_MODULUS_VRH, min: 80, max: 220 },
        ],
      },
      // Per material, not per entry: each range may be met by a different source's entry.
      want: () => {
        const gap = new Set(expected((e) => inRange(e, PropertyKey.BAND_GAP, 0.5, 3)));
        return expected((e) => inRange(e, PropertyKey.BULK_MODULUS_VRH, 80, 220)).filter((f) => gap.has(f));
      },
    },
  ];

  for (const c of cases) {
    it(`${c.name}: the index lookup and the per-material probe agree with the data`, async () => {
      const want = c.want();
      expect(want.length).toBeGreaterThan(7); // more than one page
      const looked = await allPages(c.filter, null, undefined);
      const probed = await allPages(c.filter, null, 0);
      expect(looked.formulas).toEqual(want);
      expect(probed.formulas).toEqual(want);
      expect(looked.total).toBe(want.length);
      expect(probed.total).toBe(want.length);
    });
  }

  it("orders a range by a property value the same way on both paths", async () => {
    const filter: MaterialFilter = { properties: [{ key: PropertyKey.BAND_GAP, min: 1, max: 3 }] };
    const orderBy: MaterialOrder = { field: "PROPERTY", key: PropertyKey.BULK_MODULUS_VRH, direction: "DESC" };
    const looked = await allPages(filter, orderBy, undefined);
    const probed = await allPages(filter, orderBy, 0);
    expect(looked.formulas.length).toBeGreaterThan(7);
    expect(looked.formulas).toEqual(probed.formulas);
    expect(new Set(looked.formulas).size).toBe(looked.formulas.length);
  });

  it("names a bad range before any statement is sent", async () => {
    store.counter.reset();
    await expect(
      searchMaterials(store.dataSource, {
        filter: { properties: [{ key: PropertyKey.BAND_GAP, min: 3, max: 1 }] },
        first: 5,
      }),
    ).rejects.toThrow(/filter\.properties\[0\]: min \(3\) is greater than max \(1\)/);
    expect(store.counter.count).toBe(0);
  });
});
