import { h } from "./dom";
import { formatNumber, withUnit } from "./format";
import type { PropertyValue } from "./queries";
import { keyInfo, type SchemaEnums } from "./schema-enums";

/**
 * The cross-database view of one material: one row per property key, one column
 * per source, each cell the source's value(s) in the key's canonical unit, and the
 * spread (max − min over every scalar value of the row) with its size relative to
 * the mean, so disagreement between databases is visible at a glance.
 */
export interface CrossSourceRow {
  key: string;
  unit: string;
  cells: Map<string, PropertyValue[]>;
  /** max − min in `unit`; undefined with fewer than two scalar values */
  spread: number | undefined;
  /** spread / |mean| */
  relativeSpread: number | undefined;
}

export function crossSourceRows(properties: readonly PropertyValue[], keyOrder: readonly string[]): CrossSourceRow[] {
  const byKey = new Map<string, PropertyValue[]>();
  for (const p of properties) byKey.set(p.key, [...(byKey.get(p.key) ?? []), p]);
  const rank = (key: string) => (keyOrder.includes(key) ? keyOrder.indexOf(key) : keyOrder.length);
  return [...byKey.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([key, values]) => {
      const cells = new Map<string, PropertyValue[]>();
      for (const v of values) cells.set(v.source, [...(cells.get(v.source) ?? []), v]);
      const scalars = values.map((v) => v.value).filter((v): v is number => v != null);
      const spread = scalars.length >= 2 ? Math.max(...scalars) - Math.min(...scalars) : undefined;
      const meanAbs = Math.abs(scalars.reduce((s, v) => s + v, 0) / (scalars.length || 1));
      return {
        key,
        unit: values[0]?.unit ?? "",
        cells,
        spread,
        relativeSpread: spread !== undefined && meanAbs > 0 ? spread / meanAbs : undefined,
      };
    });
}

function cellContent(values: readonly PropertyValue[]): HTMLElement {
  const list = h("div", { class: "cell-values" });
  for (const v of values) {
    const text =
      v.value != null
        ? withUnit(v.value, v.unit)
        : v.values
          ? `${Math.round(Math.sqrt(v.values.length))}×${Math.round(Math.sqrt(v.values.length))} tensor${v.unit ? `, ${v.unit}` : ""}`
          : "—";
    const tip = [
      `${v.source} ${v.sourceId}`,
      v.method && `method ${v.method}`,
      v.temperatureK != null && `at ${formatNumber(v.temperatureK)} K`,
    ]
      .filter(Boolean)
      .join(" · ");
    list.append(
      h(
        "div",
        { class: "cell-value", title: tip },
        h("span", { class: "value", "data-value": v.value ?? "" }, text),
        v.method ? h("span", { class: "method" }, v.method) : null,
      ),
    );
  }
  return list;
}

export function renderCrossSourceTable(properties: readonly PropertyValue[], enums: SchemaEnums): HTMLElement {
  const sources = enums.sources.filter((s) => properties.some((p) => p.source === s));
  const rows = crossSourceRows(
    properties,
    enums.keys.map((k) => k.name),
  );
  if (rows.length === 0) return h("p", { class: "muted" }, "No source reports a property of this material yet.");

  const head = h(
    "tr",
    {},
    h("th", { scope: "col" }, "Property"),
    ...sources.map((s) => h("th", { scope: "col", class: "num", "data-source": s }, s)),
    h("th", { scope: "col", class: "num" }, "Spread"),
  );
  const body = h("tbody");
  for (const row of rows) {
    const info = keyInfo(enums, row.key);
    const spreadText =
      row.spread === undefined
        ? h("span", { class: "muted" }, "—")
        : h(
            "span",
            { class: row.relativeSpread !== undefined && row.relativeSpread > 0.1 ? "spread wide" : "spread" },
            withUnit(row.spread, row.unit),
            row.relativeSpread !== undefined ? h("small", {}, ` ${(row.relativeSpread * 100).toFixed(1)} %`) : null,
          );
    body.append(
      h(
        "tr",
        { "data-key": row.key },
        h(
          "th",
          { scope: "row" },
          h("div", { class: "key-label" }, info.label),
          h("div", { class: "key-name" }, row.key, row.unit ? ` · ${row.unit}` : ""),
        ),
        ...sources.map((s) => {
          const values = row.cells.get(s);
          return h(
            "td",
            { class: "num", "data-source": s },
            values ? cellContent(values) : h("span", { class: "muted" }, "—"),
          );
        }),
        h("td", { class: "num spread-cell" }, spreadText),
      ),
    );
  }
  return h(
    "div",
    { class: "table-scroll" },
    h("table", { class: "data-table cross-source", "data-testid": "cross-source-table" }, h("thead", {}, head), body),
  );
}
