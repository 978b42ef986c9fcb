import { h, replaceChildren } from "./dom";
import { describeError } from "./graphql.client";
import { disposeMaterialView, renderMaterialView } from "./material.view";
import { rememberSearchUrl, startRouter, type Route } from "./router";
import { loadSchemaEnums } from "./schema-enums";
import { renderSearchView } from "./search.view";
import { getToken, setToken } from "./token.store";

/** The explorer's shell: header with the token field, and the routed view below it. */
function tokenField(): HTMLElement {
  const input = h("input", {
    type: "password",
    name: "token",
    placeholder: "Operator token",
    autocomplete: "off",
    "aria-label": "Operator token (kept for this tab only)",
    value: getToken(),
  });
  const status = h("span", { class: "token-status" });
  const sync = () => {
    status.textContent = getToken() ? "Token set" : "Read-only";
    status.className = getToken() ? "token-status on" : "token-status";
  };
  input.addEventListener("change", () => {
    setToken(input.value);
    sync();
  });
  sync();
  return h(
    "div",
    { class: "token-field", title: "Needed to run simulations; kept in this tab's session storage only" },
    status,
    input,
  );
}

function layout(): HTMLElement {
  const app = document.getElementById("app");
  if (!app) throw new Error("index.html has no #app element");
  const main = h("main", { class: "content", id: "view" });
  replaceChildren(
    app,
    h(
      "header",
      { class: "topbar" },
      h(
        "a",
        { href: "/", "data-link": true, class: "brand" },
        h("span", { class: "brand-mark", "aria-hidden": "true" }),
        "MatGraph",
        h("span", { class: "brand-sub" }, "Explorer"),
      ),
      h(
        "nav",
        { class: "topnav" },
        h("a", { href: "/", "data-link": true }, "Search"),
        h("a", { href: "/graphql", target: "_blank", rel: "noopener" }, "GraphQL API"),
      ),
      tokenField(),
    ),
    main,
    h(
      "footer",
      { class: "footer" },
      "Values in canonical units · data from AFLOW, Materials Project, OQMD, JARVIS and OPTIMADE providers",
    ),
  );
  return main;
}

async function boot(): Promise<void> {
  const view = layout();
  let enums;
  try {
    enums = await loadSchemaEnums();
  } catch (error) {
    replaceChildren(
      view,
      h("p", { class: "error", role: "alert" }, `The API is not answering: ${describeError(error)}`),
    );
    return;
  }
  const schema = enums;
  startRouter((route: Route) => {
    disposeMaterialView();
    window.scrollTo(0, 0);
    if (route.name === "search") {
      rememberSearchUrl(window.location.pathname + window.location.search);
      document.title = "MatGraph Explorer";
      renderSearchView(view, route.params, schema);
    } else if (route.name === "material") {
      document.title = "Material · MatGraph Explorer";
      renderMaterialView(view, route.id, schema);
    } else {
      replaceChildren(
        view,
        h(
          "div",
          { class: "card" },
          h("h2", {}, "Not found"),
          h("p", {}, `Nothing lives at ${route.path}. `, h("a", { href: "/", "data-link": true }, "Search materials")),
        ),
      );
    }
  });
}

void boot();
