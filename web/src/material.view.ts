import { renderCrossSourceTable } from "./cross-source.table";
import { h, replaceChildren } from "./dom";
import { describeError } from "./graphql.client";
import { loadMaterial, type EntrySummary, type MaterialDetail } from "./queries";
import { lastSearchUrl } from "./router";
import type { SchemaEnums } from "./schema-enums";
import { createSimulatePanel, type SimulatePanel } from "./simulate.panel";
import { createStructureViewer } from "./structure.viewer";

/**
 * One material: the cross-source table of its properties, its crystal structure
 * (any entry that has one), its entries with links to their sources, and the
 * simulation panel. A finished simulation reloads the table, where its result
 * appears as the SIMULATION column.
 */
let activePanel: SimulatePanel | undefined;

export function disposeMaterialView(): void {
  activePanel?.dispose();
  activePanel = undefined;
}

function entryLabel(e: EntrySummary): string {
  const sg = e.spacegroup?.symbol
    ? ` · ${e.spacegroup.symbol}${e.spacegroup.number ? ` (${e.spacegroup.number})` : ""}`
    : "";
  return `${e.source} ${e.sourceId}${sg}`;
}

export function renderMaterialView(container: HTMLElement, id: string, enums: SchemaEnums): void {
  disposeMaterialView();
  replaceChildren(container, h("p", { class: "muted loading" }, "Loading material…"));
  loadMaterial(id)
    .then((material) => show(container, material, enums))
    .catch((error: unknown) =>
      replaceChildren(
        container,
        h(
          "div",
          { class: "card" },
          h("p", { class: "error", role: "alert" }, describeError(error)),
          h("a", { href: "/", "data-link": true }, "‹ Back to search"),
        ),
      ),
    );
}

function show(container: HTMLElement, material: MaterialDetail, enums: SchemaEnums): void {
  const tableHost = h("div", { "data-testid": "cross-source" }, renderCrossSourceTable(material.properties, enums));
  const sources = [...new Set(material.entries.map((e) => e.source))];

  const header = h(
    "header",
    { class: "material-head" },
    h("a", { href: lastSearchUrl(), "data-link": true, class: "back" }, "‹ Back to results"),
    h(
      "div",
      { class: "title-row" },
      h("h1", { class: "formula", "data-testid": "material-formula" }, material.formula),
      h("div", { class: "badges" }, ...sources.map((s) => h("span", { class: `badge source-${s.toLowerCase()}` }, s))),
    ),
    h(
      "dl",
      { class: "facts" },
      h("div", {}, h("dt", {}, "Chemical system"), h("dd", {}, material.chemsys)),
      h("div", {}, h("dt", {}, "Elements"), h("dd", {}, String(material.nelements))),
      h("div", {}, h("dt", {}, "Anonymous formula"), h("dd", {}, material.anonymousFormula)),
      h("div", {}, h("dt", {}, "Entries"), h("dd", {}, String(material.entries.length))),
      h("div", {}, h("dt", {}, "Material id"), h("dd", {}, material.id)),
    ),
  );

  const withStructure = material.entries.filter((e) => e.structure && e.structure.sites.length > 0);
  const viewer = createStructureViewer();
  const structureCard = h(
    "section",
    { class: "card structure-card" },
    h("div", { class: "card-head" }, h("h2", {}, "Crystal structure")),
  );
  if (withStructure.length === 0) {
    structureCard.append(h("p", { class: "muted empty" }, "No source gives a structure for this material."));
  } else {
    const picker = h(
      "select",
      { name: "structure-entry", "aria-label": "Entry" },
      ...withStructure.map((e, i) => h("option", { value: String(i) }, entryLabel(e))),
    );
    const info = h("p", { class: "muted small" });
    const showEntry = (i: number) => {
      const entry = withStructure[i];
      if (!entry?.structure) return;
      viewer.show(entry.structure);
      const [a, b, c] = entry.structure.lattice.map((v) => Math.hypot(...v));
      info.textContent = `${entry.structure.sites.length} sites · |a| ${a?.toFixed(3)} Å, |b| ${b?.toFixed(3)} Å, |c| ${c?.toFixed(3)} Å · drag to rotate`;
    };
    picker.addEventListener("change", () => showEntry(Number(picker.value)));
    structureCard.querySelector(".card-head")!.append(picker);
    structureCard.append(viewer.element, info);
    // Drawn once the canvas is in the document and has a size.
    requestAnimationFrame(() => showEntry(0));
  }

  const entriesCard = h(
    "section",
    { class: "card" },
    h("div", { class: "card-head" }, h("h2", {}, "Entries")),
    h(
      "div",
      { class: "table-scroll" },
      h(
        "table",
        { class: "data-table compact" },
        h(
          "thead",
          {},
          h("tr", {}, h("th", {}, "Source"), h("th", {}, "Id"), h("th", {}, "Method"), h("th", {}, "Space group")),
        ),
        h(
          "tbody",
          {},
          ...material.entries.map((e) =>
            h(
              "tr",
              {},
              h("td", {}, h("span", { class: `badge source-${e.source.toLowerCase()}` }, e.source)),
              h(
                "td",
                {},
                e.sourceUrl ? h("a", { href: e.sourceUrl, target: "_blank", rel: "noopener" }, e.sourceId) : e.sourceId,
              ),
              h("td", {}, [e.method, e.functional].filter(Boolean).join(" · ") || "—"),
              h("td", {}, e.spacegroup?.symbol ? `${e.spacegroup.symbol} (${e.spacegroup.number ?? "?"})` : "—"),
            ),
          ),
        ),
      ),
    ),
  );

  const refreshTable = () => {
    loadMaterial(material.id)
      .then((fresh) => replaceChildren(tableHost, renderCrossSourceTable(fresh.properties, enums)))
      .catch(() => undefined); // the old table stays; the job card already shows the result
  };
  activePanel = createSimulatePanel(material, enums.simulationKinds, refreshTable);
  const simulateCard = h(
    "section",
    { class: "card simulate-card" },
    h("div", { class: "card-head" }, h("h2", {}, "Simulate")),
    activePanel.element,
  );

  replaceChildren(
    container,
    header,
    h(
      "section",
      { class: "card" },
      h(
        "div",
        { class: "card-head" },
        h("h2", {}, "Across sources"),
        h("span", { class: "muted small" }, "Canonical units; spread = max − min over all values"),
      ),
      tableHost,
    ),
    h("div", { class: "material-grid" }, structureCard, simulateCard),
    entriesCard,
  );
}
