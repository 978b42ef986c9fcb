import { h, replaceChildren } from "./dom";
import { formatNumber, mean } from "./format";
import { describeError } from "./graphql.client";
import { searchMaterials, type MaterialPage, type MaterialRow } from "./queries";
import { materialUrl, navigate } from "./router";
import { renderScatterPlot, type PlotPoint } from "./scatter.plot";
import { keyInfo, type SchemaEnums } from "./schema-enums";

/**
 * Search by elements, number of elements and a property range; results in pages
 * (Relay cursors), with a scatter plot (one key against another, the mean over
 * sources) or a parity plot (one key, source A against source B) of the page.
 * The form lives in the URL's query string, so a search can be shared or reloaded.
 */
interface PlotState {
  mode: "scatter" | "parity";
  x?: string;
  y?: string;
  key?: string;
  a?: string;
  b?: string;
}

// Kept across navigation so that coming back from a material shows the same plot.
const plot: PlotState = { mode: "scatter" };
/** after-cursors of the pages visited in this search: index = page − 1 */
let cursorTrail: Array<string | null> = [null];
let trailOf = "";

const splitSymbols = (text: string): string[] =>
  text
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase());

const num = (text: string | null): number | undefined =>
  text == null || text.trim() === "" || Number.isNaN(Number(text)) ? undefined : Number(text);

export function filterFromParams(params: URLSearchParams): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  const hasAll = splitSymbols(params.get("has") ?? "");
  const excludes = splitSymbols(params.get("excludes") ?? "");
  if (hasAll.length || excludes.length) {
    filter["elements"] = { ...(hasAll.length ? { hasAll } : {}), ...(excludes.length ? { excludes } : {}) };
  }
  const nmin = num(params.get("nmin"));
  const nmax = num(params.get("nmax"));
  if (nmin !== undefined || nmax !== undefined) filter["nelements"] = { min: nmin, max: nmax };
  const key = params.get("key");
  if (key) {
    const src = params.get("source");
    filter["properties"] = [
      { key, min: num(params.get("min")), max: num(params.get("max")), ...(src ? { source: src } : {}) },
    ];
  }
  return filter;
}

function valuesOf(row: MaterialRow, key: string, source?: string): number[] {
  return row.properties
    .filter((p) => p.key === key && p.value != null && (!source || p.source === source))
    .map((p) => p.value as number);
}

/** Picks plot keys and sources that the page actually has, where the user chose none. */
function fillPlotDefaults(rows: readonly MaterialRow[], enums: SchemaEnums): void {
  const scalarKeys = enums.keys.filter((k) => !k.isArray).map((k) => k.name);
  const coverage = (key: string) => rows.filter((r) => valuesOf(r, key).length > 0).length;
  const byCoverage = [...scalarKeys].sort((a, b) => coverage(b) - coverage(a));
  plot.x ??= byCoverage[0];
  plot.y ??= byCoverage.find((k) => k !== plot.x);
  if (!plot.key) {
    const multi = (key: string) =>
      rows.filter(
        (r) => new Set(r.properties.filter((p) => p.key === key && p.value != null).map((p) => p.source)).size >= 2,
      ).length;
    plot.key = [...scalarKeys].sort((a, b) => multi(b) - multi(a))[0];
  }
  if (!plot.a || !plot.b) {
    const counts = new Map<string, number>();
    for (const r of rows)
      for (const p of r.properties)
        if (p.key === plot.key && p.value != null) counts.set(p.source, (counts.get(p.source) ?? 0) + 1);
    const ranked = [...counts.entries()].sort((u, v) => v[1] - u[1]).map(([s]) => s);
    plot.a ??= ranked[0] ?? enums.sources[0];
    plot.b ??= ranked.find((s) => s !== plot.a) ?? enums.sources[1];
  }
}

/** The table's value columns follow the plot: the two plotted keys, or the key as each of the two sources gives it. */
function plotColumns(enums: SchemaEnums): Array<{ title: string; sub: string; values: (r: MaterialRow) => number[] }> {
  if (plot.mode === "parity" && plot.key) {
    const info = keyInfo(enums, plot.key);
    const sub = [info.shortLabel, info.unit].filter(Boolean).join(", ");
    return [plot.a, plot.b]
      .filter((s): s is string => Boolean(s))
      .map((s) => ({ title: s, sub, values: (r) => valuesOf(r, info.name, s) }));
  }
  return [plot.x, plot.y]
    .filter((k): k is string => Boolean(k))
    .map((k) => {
      const info = keyInfo(enums, k);
      return { title: info.shortLabel, sub: info.unit ? `${info.unit}, mean` : "mean", values: (r) => valuesOf(r, k) };
    });
}

export function plotPoints(rows: readonly MaterialRow[]): PlotPoint[] {
  const points: PlotPoint[] = [];
  for (const r of rows) {
    const xs = plot.mode === "parity" ? valuesOf(r, plot.key ?? "", plot.a) : valuesOf(r, plot.x ?? "");
    const ys = plot.mode === "parity" ? valuesOf(r, plot.key ?? "", plot.b) : valuesOf(r, plot.y ?? "");
    if (xs.length && ys.length)
      points.push({ x: mean(xs), y: mean(ys), label: r.formula, onSelect: () => navigate(materialUrl(r.id)) });
  }
  return points;
}

export function renderSearchView(container: HTMLElement, params: URLSearchParams, enums: SchemaEnums): void {
  const scalarKeys = enums.keys.filter((k) => !k.isArray);
  const input = (name: string, attrs: Record<string, string> = {}) =>
    h("input", { name, value: params.get(name) ?? "", ...attrs });
  const keySelect = h(
    "select",
    { name: "key" },
    h("option", { value: "" }, "— any property —"),
    ...scalarKeys.map((k) => h("option", { value: k.name, selected: params.get("key") === k.name }, k.label)),
  );
  const sourceSelect = h(
    "select",
    { name: "source" },
    h("option", { value: "" }, "Any source"),
    ...enums.sources.map((s) => h("option", { value: s, selected: params.get("source") === s }, s)),
  );
  const unitHint = h("span", { class: "field-hint" });
  const syncUnit = () => {
    const info = scalarKeys.find((k) => k.name === keySelect.value);
    unitHint.textContent = info ? (info.unit ? `In ${info.unit}` : "Dimensionless") : "Optional";
  };
  keySelect.addEventListener("change", syncUnit);
  syncUnit();
  const sizeSelect = h(
    "select",
    { name: "size" },
    ...["20", "50", "100"].map((n) =>
      h("option", { value: n, selected: (params.get("size") ?? "20") === n }, `${n} per page`),
    ),
  );

  const form = h(
    "form",
    { class: "card filters", "data-testid": "search-form", role: "search" },
    h("h2", {}, "Search materials"),
    h(
      "fieldset",
      {},
      h("legend", {}, "Elements"),
      h(
        "label",
        { class: "field" },
        h("span", { class: "field-label" }, "Contains all of"),
        input("has", { placeholder: "e.g. Fe O", autocomplete: "off" }),
      ),
      h(
        "label",
        { class: "field" },
        h("span", { class: "field-label" }, "Excludes"),
        input("excludes", { placeholder: "e.g. Pb", autocomplete: "off" }),
      ),
      h(
        "div",
        { class: "field-row" },
        h(
          "label",
          { class: "field" },
          h("span", { class: "field-label" }, "Min. elements"),
          input("nmin", { type: "number", min: "1", max: "10" }),
        ),
        h(
          "label",
          { class: "field" },
          h("span", { class: "field-label" }, "Max. elements"),
          input("nmax", { type: "number", min: "1", max: "10" }),
        ),
      ),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Property range"),
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Property"), keySelect),
      h(
        "div",
        { class: "field-row" },
        h(
          "label",
          { class: "field" },
          h("span", { class: "field-label" }, "Min"),
          input("min", { type: "number", step: "any" }),
        ),
        h(
          "label",
          { class: "field" },
          h("span", { class: "field-label" }, "Max"),
          input("max", { type: "number", step: "any" }),
        ),
      ),
      unitHint,
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Reported by"), sourceSelect),
    ),
    h("label", { class: "field" }, h("span", { class: "field-label" }, "Page size"), sizeSelect),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "primary" }, "Search"),
      h("button", { type: "button", class: "secondary", onclick: () => navigate("/") }, "Reset"),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of new FormData(form).entries()) {
      if (typeof value === "string" && value.trim() !== "") next.set(name, value.trim());
    }
    navigate(`/?${next.toString()}`);
  });

  const summary = h("div", { class: "results-summary", "data-testid": "results-summary" }, "Searching…");
  const pager = h("div", { class: "pager" });
  const tableHost = h("div", { class: "table-scroll" });
  const plotControls = h("div", { class: "plot-controls" });
  const plotHost = h("div", { class: "plot-host", "data-testid": "plot" });
  const results = h(
    "section",
    { class: "card results" },
    h("div", { class: "card-head" }, h("h2", {}, "Results"), summary, pager),
    tableHost,
  );
  const plotCard = h(
    "section",
    { class: "card plot-card" },
    h("div", { class: "card-head" }, h("h2", {}, "Plot of this page"), plotControls),
    plotHost,
  );
  replaceChildren(
    container,
    h("div", { class: "search-layout" }, form, h("div", { class: "results-column" }, results, plotCard)),
  );

  const signature = [...params.entries()]
    .filter(([k]) => k !== "after" && k !== "page")
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  if (signature !== trailOf) {
    trailOf = signature;
    cursorTrail = [null];
  }
  const page = Math.max(1, Math.floor(num(params.get("page")) ?? 1));
  const after = params.get("after");
  const first = num(params.get("size")) ?? 20;

  const pageUrl = (n: number, cursor: string | null) => {
    const next = new URLSearchParams(params);
    next.delete("after");
    next.delete("page");
    if (n > 1 && cursor) {
      next.set("after", cursor);
      next.set("page", String(n));
    }
    const qs = next.toString();
    return qs ? `/?${qs}` : "/";
  };

  let rows: MaterialRow[] = [];
  const renderTable = () => {
    const columns = plotColumns(enums);
    if (rows.length === 0) {
      replaceChildren(tableHost, h("p", { class: "muted empty" }, "No material matches these conditions."));
      return;
    }
    replaceChildren(
      tableHost,
      h(
        "table",
        { class: "data-table results-table", "data-testid": "results-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "Formula"),
            h("th", { scope: "col" }, "Chemical system"),
            h("th", { scope: "col", class: "num" }, "Elements"),
            h("th", { scope: "col" }, "Sources"),
            ...columns.map((c) =>
              h("th", { scope: "col", class: "num value-col" }, c.title, h("div", { class: "unit" }, c.sub)),
            ),
          ),
        ),
        h(
          "tbody",
          {},
          ...rows.map((r) => {
            const sources = [...new Set(r.entries.map((e) => e.source))];
            return h(
              "tr",
              { "data-formula": r.formula },
              h("td", {}, h("a", { href: materialUrl(r.id), "data-link": true, class: "formula" }, r.formula)),
              h("td", {}, r.chemsys),
              h("td", { class: "num" }, r.nelements),
              h(
                "td",
                {},
                h(
                  "div",
                  { class: "badges" },
                  ...sources.map((s) => h("span", { class: `badge source-${s.toLowerCase()}` }, s)),
                ),
              ),
              ...columns.map((c) => {
                const values = c.values(r);
                return h(
                  "td",
                  { class: "num" },
                  values.length ? formatNumber(mean(values)) : h("span", { class: "muted" }, "—"),
                );
              }),
            );
          }),
        ),
      ),
    );
  };

  const renderPlot = () => {
    const optionList = (current: string | undefined, items: ReadonlyArray<readonly [string, string]>) =>
      items.map(([value, text]) => h("option", { value, selected: value === current }, text));
    const keyItems = scalarKeys.map((k) => [k.name, k.shortLabel] as const);
    const sourceItems = enums.sources.map((s) => [s, s] as const);
    const change = (apply: (value: string) => void) => (event: Event) => {
      apply((event.target as HTMLSelectElement).value);
      renderPlot();
      renderTable();
    };
    const modeButton = (mode: PlotState["mode"], text: string) =>
      h(
        "button",
        {
          type: "button",
          class: plot.mode === mode ? "segment active" : "segment",
          "aria-pressed": plot.mode === mode,
          "data-mode": mode,
          onclick: () => {
            plot.mode = mode;
            renderPlot();
            renderTable();
          },
        },
        text,
      );
    const labelled = (text: string, control: HTMLElement) =>
      h("label", { class: "inline-field" }, h("span", {}, text), control);
    replaceChildren(
      plotControls,
      h("div", { class: "segmented" }, modeButton("scatter", "Scatter"), modeButton("parity", "Parity")),
      ...(plot.mode === "scatter"
        ? [
            labelled(
              "x",
              h("select", { name: "plot-x", onchange: change((v) => (plot.x = v)) }, ...optionList(plot.x, keyItems)),
            ),
            labelled(
              "y",
              h("select", { name: "plot-y", onchange: change((v) => (plot.y = v)) }, ...optionList(plot.y, keyItems)),
            ),
          ]
        : [
            labelled(
              "Property",
              h(
                "select",
                { name: "plot-key", onchange: change((v) => (plot.key = v)) },
                ...optionList(plot.key, keyItems),
              ),
            ),
            labelled(
              "x",
              h(
                "select",
                { name: "plot-a", onchange: change((v) => (plot.a = v)) },
                ...optionList(plot.a, sourceItems),
              ),
            ),
            labelled(
              "y",
              h(
                "select",
                { name: "plot-b", onchange: change((v) => (plot.b = v)) },
                ...optionList(plot.b, sourceItems),
              ),
            ),
          ]),
    );
    const title = (key: string | undefined, source?: string) => {
      const info = keyInfo(enums, key ?? "");
      return `${info.shortLabel}${source ? ` · ${source}` : ""}${info.unit ? ` (${info.unit})` : ""}`;
    };
    const points = plotPoints(rows);
    replaceChildren(
      plotHost,
      plot.mode === "parity"
        ? renderScatterPlot(points, { xTitle: title(plot.key, plot.a), yTitle: title(plot.key, plot.b), parity: true })
        : renderScatterPlot(points, { xTitle: title(plot.x), yTitle: title(plot.y) }),
    );
  };

  const renderPager = (result: MaterialPage) => {
    cursorTrail[page - 1] = after;
    const prevCursor = page > 1 ? cursorTrail[page - 2] : undefined;
    const start = (page - 1) * first + 1;
    summary.textContent =
      result.totalCount === 0
        ? "0 materials"
        : `${start}–${start + result.edges.length - 1} of ${result.totalCount} material${result.totalCount === 1 ? "" : "s"}`;
    replaceChildren(
      pager,
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          disabled: page <= 1,
          "data-testid": "prev-page",
          onclick: () => navigate(pageUrl(page - 1, prevCursor ?? null)),
        },
        "‹ Previous",
      ),
      h("span", { class: "page-number" }, `Page ${page} of ${Math.max(1, Math.ceil(result.totalCount / first))}`),
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          disabled: !result.pageInfo.hasNextPage,
          "data-testid": "next-page",
          onclick: () => navigate(pageUrl(page + 1, result.pageInfo.endCursor)),
        },
        "Next ›",
      ),
    );
  };

  searchMaterials({ filter: filterFromParams(params), orderBy: { field: "FORMULA", direction: "ASC" }, first, after })
    .then((result) => {
      rows = result.edges.map((e) => e.node);
      fillPlotDefaults(rows, enums);
      renderPager(result);
      renderTable();
      renderPlot();
    })
    .catch((error: unknown) => {
      summary.textContent = "";
      replaceChildren(tableHost, h("p", { class: "error", role: "alert" }, describeError(error)));
    });
}
