import { existsSync, mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import express from "express";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { canonicalUnitOf, PropertyKey } from "../../src/domain/property-key";
import { Source } from "../../src/domain/source";
import { webRouter } from "../../src/http/web.router";
import { startJobSystem, type JobSystem } from "../../src/jobs/platform";
import type { CanonicalEntry } from "../../src/services/canonical-entry";
import { writeEntries } from "../../src/services/entry-writer";
import { seedEntries } from "../support/seed";
import { startTestServer, type TestServer } from "../support/test-server";
import { openTestStore, type TestStore } from "../support/test-store";

/**
 * The browser explorer end to end: the Vite build served by the real server (real
 * store, job system with a worker), driven in headless Chromium. Expected values
 * come from the seeded entries and from the API itself, never from the page.
 */
const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const REPO = path.resolve(__dirname, "..", "..");
const WEB = path.join(REPO, "web");
const OUT = path.join(REPO, "tests", "out");
const TOKEN = "test-admin-token";
const env = { MATGRAPH_JOB_MAINTENANCE_SECONDS: "1", MATGRAPH_JOB_POLL_MS: "500", MATGRAPH_MAX_JOBS_PER_CLIENT: "10" };

/** The page shows numbers with five significant digits: the same rule, computed here from the data. */
const shown = (value: number) => String(Number(value.toPrecision(5)));

const GPA = canonicalUnitOf(PropertyKey.BULK_MODULUS_VRH);
const fcc = (a: number) => ({
  // prettier-ignore
  lattice: [[a, 0, 0], [0, a, 0], [0, 0, a]] as const,
  // prettier-ignore
  fracCoords: [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]],
  species: ["Cu", "Cu", "Cu", "Cu"],
});
/** Copper as four databases report it (values of the order they publish, chosen to disagree). */
const COPPER: CanonicalEntry[] = [
  {
    source: Source.AFLOW,
    sourceId: "aflow:cu-e2e",
    formula: "Cu",
    method: "AEL",
    spacegroupNumber: 225,
    spacegroupSymbol: "Fm-3m",
    structure: fcc(3.615),
    properties: [
      { key: PropertyKey.BULK_MODULUS_VRH, value: 144, unit: GPA, method: "AEL" },
      { key: PropertyKey.SHEAR_MODULUS_VRH, value: 48, unit: GPA, method: "AEL" },
    ],
  },
  {
    source: Source.MP,
    sourceId: "mp-30-e2e",
    formula: "Cu",
    method: "DFT",
    spacegroupNumber: 225,
    spacegroupSymbol: "Fm-3m",
    // prettier-ignore
    structure: { lattice: [[0, 1.8075, 1.8075], [1.8075, 0, 1.8075], [1.8075, 1.8075, 0]], fracCoords: [[0, 0, 0]], species: ["Cu"] },
    properties: [
      { key: PropertyKey.BULK_MODULUS_VRH, value: 137.2, unit: GPA },
      { key: PropertyKey.BAND_GAP, value: 0, unit: "eV" },
    ],
  },
  {
    source: Source.OQMD,
    sourceId: "oqmd-cu-e2e",
    formula: "Cu",
    method: "DFT",
    properties: [
      { key: PropertyKey.BULK_MODULUS_VRH, value: 151.3, unit: GPA },
      { key: PropertyKey.FORMATION_ENERGY_PER_ATOM, value: 0, unit: "eV/atom" },
    ],
  },
  {
    source: Source.JARVIS,
    sourceId: "JVASP-867-e2e",
    formula: "Cu",
    method: "DFT",
    properties: [{ key: PropertyKey.BULK_MODULUS_VRH, value: 141.45, unit: GPA }],
  },
];

/** The part of a browser canvas the pixel check reads (this file is compiled without the DOM library). */
interface CanvasLike {
  width: number;
  height: number;
  getContext(
    kind: "2d",
  ): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

interface Row {
  id: string;
  formula: string;
  properties: Array<{ key: string; value: number | null; source: string }>;
}
interface MaterialsPage {
  totalCount: number;
  pageInfo: { endCursor: string };
  edges: Array<{ node: Row }>;
}

describe.skipIf(!hasChromium)(
  `explorer in headless Chromium${hasChromium ? "" : ` [skipped: ${CHROMIUM} not installed]`}`,
  () => {
    let store: TestStore;
    let system: JobSystem;
    let t: TestServer;
    let browser: Browser;
    let page: Page;
    let base: string;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      // The test serves the build it makes, so it always checks the current sources.
      const { build } = await import("vite");
      await build({ configFile: path.join(WEB, "vite.config.ts"), logLevel: "warn" });
      store = await openTestStore();
      system = await startJobSystem(store, loadConfig(env).jobs, true);
      t = await startTestServer(env, store, system);
      base = `http://127.0.0.1:${t.server.port}`;
      await store.dataSource.transaction((m) => writeEntries(m, [...seedEntries(), ...COPPER]));
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
      page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
      page.on("pageerror", (e) => pageErrors.push(e.message));
      page.on("console", (m) => m.type() === "error" && pageErrors.push(m.text()));
      mkdirSync(OUT, { recursive: true });
    });
    afterAll(async () => {
      await browser?.close();
      await t?.close();
      await system?.stop();
      await store?.close();
    });

    const api = async <T>(query: string, variables?: Record<string, unknown>): Promise<T> => {
      const res = await t.gql<T>(query, variables);
      if (!res.data) throw new Error(JSON.stringify(res.errors));
      return res.data;
    };
    const PAGE_QUERY = `query($filter: MaterialFilter, $after: String) {
    materials(filter: $filter, first: 20, after: $after, orderBy: { field: FORMULA }) {
      totalCount pageInfo { endCursor } edges { node { id formula properties { key value source } } } } }`;
    const formulasOnPage = () =>
      page
        .locator("[data-testid=results-table] tbody tr")
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-formula")));

    it("serves the build at / and deep links, and leaves the API paths to the API", async () => {
      const index = await fetch(`${base}/`);
      expect(index.status).toBe(200);
      const html = await index.text();
      expect(html).toContain('<div id="app"></div>');
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      const js = await fetch(`${base}${script}`);
      expect(js.status).toBe(200);
      expect(js.headers.get("content-type")).toContain("javascript");
      expect(await (await fetch(`${base}/materials/123`)).text()).toBe(html);
      expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
      expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: "ok" });
      const landing = await fetch(`${base}/graphql`, { headers: { accept: "text/html" } });
      expect(await landing.text()).not.toContain('<div id="app"></div>');
    });

    it("answers / with a build hint when web/dist is missing", async () => {
      const app = express().use(webRouter(path.join(OUT, "no-such-build")));
      const server = app.listen(0, "127.0.0.1");
      await new Promise((r) => server.once("listening", r));
      try {
        const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
        expect(res.status).toBe(503);
        expect(await res.text()).toContain("npm run build");
      } finally {
        server.close();
      }
    });

    it("searches by elements and pages through the results by cursor", async () => {
      const filter = { elements: { hasAll: ["Cu"], excludes: ["O"] } };
      const first = (await api<{ materials: MaterialsPage }>(PAGE_QUERY, { filter })).materials;
      const second = (await api<{ materials: MaterialsPage }>(PAGE_QUERY, { filter, after: first.pageInfo.endCursor }))
        .materials;
      expect(first.totalCount).toBeGreaterThan(20);

      await page.goto(`${base}/`);
      await page.fill("input[name=has]", "cu");
      await page.fill("input[name=excludes]", "O");
      await page.click("[data-testid=search-form] button[type=submit]");
      await expect
        .poll(() => page.textContent("[data-testid=results-summary]"))
        .toBe(`1–20 of ${first.totalCount} materials`);
      const page1 = await formulasOnPage();
      expect(page1).toEqual(first.edges.map((e) => e.node.formula));
      for (const formula of page1) {
        const symbols = formula!.match(/[A-Z][a-z]?/g)!;
        expect(symbols).toContain("Cu");
        expect(symbols).not.toContain("O");
      }

      await page.click("[data-testid=next-page]");
      await expect.poll(formulasOnPage).toEqual(second.edges.map((e) => e.node.formula));
      expect(page.url()).toContain("page=2");
      await page.click("[data-testid=prev-page]");
      await expect.poll(formulasOnPage).toEqual(page1);
    });

    it("plots the page: a scatter of two keys and a parity plot of two sources", async () => {
      const filter = { elements: { hasAll: ["Cu"], excludes: ["O"] } };
      const rows = (await api<{ materials: MaterialsPage }>(PAGE_QUERY, { filter })).materials.edges.map((e) => e.node);
      const has = (r: Row, key: string, source?: string) =>
        r.properties.some((p) => p.key === key && p.value != null && (!source || p.source === source));

      const x = await page.inputValue("select[name=plot-x]");
      const y = await page.inputValue("select[name=plot-y]");
      const scatter = rows.filter((r) => has(r, x) && has(r, y)).length;
      expect(scatter).toBeGreaterThan(0);
      expect(await page.locator("[data-testid=plot] circle.plot-point").count()).toBe(scatter);

      await page.click("button[data-mode=parity]");
      await page.selectOption("select[name=plot-key]", "BULK_MODULUS_VRH");
      await page.selectOption("select[name=plot-a]", "AFLOW");
      await page.selectOption("select[name=plot-b]", "MP");
      const parity = rows.filter((r) => has(r, "BULK_MODULUS_VRH", "AFLOW") && has(r, "BULK_MODULUS_VRH", "MP"));
      expect(parity.length).toBeGreaterThan(0);
      const labels = await page
        .locator("[data-testid=plot] circle.plot-point")
        .evaluateAll((cs) => cs.map((c) => c.getAttribute("data-label")));
      expect(labels).toEqual(parity.map((r) => r.formula));
      expect(await page.locator("[data-testid=plot] .plot-diagonal").count()).toBe(1);
      await page.evaluate("window.scrollTo(0, 0)");
      await page.screenshot({ path: path.join(OUT, "explorer-search.png"), fullPage: true });
    });

    it("opens a material: the cross-source table shows each source's value with its unit, and the spread", async () => {
      await page.fill("input[name=has]", "Cu");
      await page.fill("input[name=excludes]", "");
      await page.fill("input[name=nmax]", "1");
      await page.click("[data-testid=search-form] button[type=submit]");
      await expect.poll(formulasOnPage).toEqual(["Cu"]);
      await page.click("[data-testid=results-table] a.formula");
      await expect.poll(() => page.textContent("[data-testid=material-formula]")).toBe("Cu");
      const { materialByFormula } = await api<{ materialByFormula: { id: string } }>(
        `{ materialByFormula(formula: "Cu") { id } }`,
      );
      expect(new URL(page.url()).pathname).toBe(`/materials/${materialByFormula.id}`);

      const bulk = COPPER.map((e) => ({
        source: e.source,
        value: e.properties.find((p) => p.key === PropertyKey.BULK_MODULUS_VRH)!.value!,
      }));
      for (const { source, value } of bulk) {
        const cell = page.locator(
          `[data-testid=cross-source-table] tr[data-key=BULK_MODULUS_VRH] td[data-source=${source}]`,
        );
        expect((await cell.textContent())!.trim()).toContain(`${shown(value)} ${GPA}`);
      }
      const values = bulk.map((b) => b.value);
      const spread = await page.textContent(
        "[data-testid=cross-source-table] tr[data-key=BULK_MODULUS_VRH] .spread-cell",
      );
      expect(spread).toContain(`${shown(Math.max(...values) - Math.min(...values))} ${GPA}`);
      // A key only AFLOW reports: its value in AFLOW's column, a dash in the others.
      const shear = page.locator("[data-testid=cross-source-table] tr[data-key=SHEAR_MODULUS_VRH]");
      expect(await shear.locator("td[data-source=AFLOW]").textContent()).toContain(`48 ${GPA}`);
      expect((await shear.locator("td[data-source=MP]").textContent())!.trim()).toBe("—");
      expect(
        await page.textContent(
          "[data-testid=cross-source-table] tr[data-key=FORMATION_ENERGY_PER_ATOM] td[data-source=OQMD]",
        ),
      ).toContain("0 eV/atom");
    });

    it("draws the crystal structure on the canvas and rotates it on drag", async () => {
      const canvas = page.locator("canvas.structure-canvas");
      const pixels = () =>
        canvas.evaluate((node) => {
          const el = node as unknown as CanvasLike;
          const data = el.getContext("2d")!.getImageData(0, 0, el.width, el.height).data;
          let painted = 0;
          let hash = 0;
          for (let i = 0; i < data.length; i += 4) {
            if (data[i + 3]! > 0) painted++;
            hash = (hash * 31 + data[i]! + 7 * data[i + 1]! + 13 * data[i + 2]! + 17 * data[i + 3]!) % 1_000_000_007;
          }
          return { painted, hash, total: data.length / 4 };
        });
      await expect.poll(async () => (await pixels()).painted).toBeGreaterThan(2000);
      const before = await pixels();
      expect(before.painted).toBeLessThan(before.total); // spheres and edges, not a filled rectangle
      const box = (await canvas.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2 + 90, box.y + box.height / 2 + 40, { steps: 8 });
      await page.mouse.up();
      const after = await pixels();
      expect(after.painted).toBeGreaterThan(2000);
      expect(after.hash).not.toBe(before.hash);
    });

    it("runs a FEM cantilever with the operator token and shows its progress live until SUCCEEDED", async () => {
      const frames: string[] = [];
      page.on("websocket", (ws) =>
        ws.on("framereceived", (f) => typeof f.payload === "string" && frames.push(f.payload)),
      );

      await page.fill("input[name=token]", TOKEN);
      await page.press("input[name=token]", "Tab");
      expect(await page.evaluate("sessionStorage.getItem('matgraph.token')")).toBe(TOKEN);
      await page.selectOption("select[name=kind]", "FEM_CANTILEVER");
      await page.selectOption("select[name=elasticFrom]", "AFLOW");
      await page.fill("input[name=elements]", "20x2x2");
      await page.selectOption("select[name=element]", "hex8i");
      await page.fill("input[name=load]", "500");
      await page.click(".simulate-form button[type=submit]");

      await expect.poll(() => page.textContent("[data-testid=job-state]"), { timeout: 60_000 }).toBe("SUCCEEDED");
      expect(await page.getAttribute("[data-testid=job-progress]", "aria-valuenow")).toBe("100");
      const jobId = (await page.textContent(".job-id"))!.trim();

      // The states arrived as graphql-ws `next` messages on the page's own socket, more than one.
      const updates = frames
        .map(
          (f) => JSON.parse(f) as { type: string; payload?: { data?: { jobUpdated?: { id: string; state: string } } } },
        )
        .filter((m) => m.type === "next" && m.payload?.data?.jobUpdated?.id === jobId)
        .map((m) => m.payload!.data!.jobUpdated!.state);
      expect(updates.length).toBeGreaterThanOrEqual(2);
      expect(updates.at(-1)).toBe("SUCCEEDED");
      expect(updates.slice(0, -1).every((s) => s === "QUEUED" || s === "RUNNING")).toBe(true);
      const logged = await page
        .locator("[data-testid=job-events] li")
        .evaluateAll((li) => li.map((l) => l.getAttribute("data-state")));
      expect(logged.length).toBeGreaterThanOrEqual(2);
      expect(logged.at(-1)).toBe("SUCCEEDED");

      const { job } = await api<{ job: { state: string; result: Record<string, number> } }>(
        `query($id: ID!) { job(id: $id) { state result } }`,
        { id: jobId },
      );
      expect(job.state).toBe("SUCCEEDED");
      expect(await page.textContent("[data-testid=job-result] tr[data-result-key=tipDeflectionM] td")).toBe(
        shown(job.result["tipDeflectionM"]!),
      );
      // The stored result comes back into the cross-source table as the SIMULATION column.
      const simulated = page.locator(
        "[data-testid=cross-source-table] tr[data-key=YOUNGS_MODULUS] td[data-source=SIMULATION]",
      );
      await expect
        .poll(() => simulated.textContent())
        .toContain(`${shown(job.result["apparentYoungsModulusGPa"]!)} GPa`);

      await page.evaluate("window.scrollTo(0, 0)");
      await page.screenshot({ path: path.join(OUT, "explorer.png"), fullPage: true });
      expect(pageErrors).toEqual([]);
    });
  },
);
