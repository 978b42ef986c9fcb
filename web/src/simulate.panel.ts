import { h, replaceChildren } from "./dom";
import { formatNumber, humanize } from "./format";
import { describeError } from "./graphql.client";
import {
  cancelJob,
  JOB_UPDATED,
  loadMaterialJobs,
  startSimulation,
  type JobView,
  type MaterialDetail,
} from "./queries";
import { subscribe } from "./subscription.client";
import { getToken, onTokenChange } from "./token.store";

/**
 * Starts a simulation of the material (mutation `simulate`) and follows it live
 * over the `jobUpdated` subscription: state, progress bar, every update in a log,
 * the result when it succeeds. Inputs are in the API's units: a0 in Å, load in N,
 * temperature in K.
 */
const LATTICES = ["fcc", "bcc", "hcp", "diamond", "b1", "b2"];
const FEM_ELEMENTS = [
  ["hex8i", "hex8i — incompatible modes"],
  ["hex20", "hex20 — quadratic"],
  ["hex8b", "hex8b — B-bar"],
  ["hex8", "hex8 — linear"],
] as const;
const ENDED = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

export interface SimulatePanel {
  readonly element: HTMLElement;
  dispose(): void;
}

function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  return h(
    "label",
    { class: "field" },
    h("span", { class: "field-label" }, label),
    control,
    hint ? h("span", { class: "field-hint" }, hint) : null,
  );
}

function select(name: string, options: ReadonlyArray<readonly [string, string]>, value?: string): HTMLSelectElement {
  const el = h("select", { name });
  for (const [v, text] of options) el.append(h("option", { value: v, selected: v === value }, text));
  return el;
}

const dims = (text: string): number[] | undefined => {
  const parts = text
    .trim()
    .toLowerCase()
    .split(/\s*[x×,\s]\s*/)
    .map(Number);
  return parts.length === 3 && parts.every((n) => Number.isInteger(n) && n > 0) ? parts : undefined;
};
const optionalNumber = (text: string): number | undefined => (text.trim() === "" ? undefined : Number(text));

export function createSimulatePanel(
  material: MaterialDetail,
  kinds: readonly string[],
  onResultStored: () => void,
): SimulatePanel {
  const sourcesOfMaterial = [...new Set(material.properties.map((p) => p.source))];
  const preferredSource =
    ["AFLOW", "MP", "JARVIS", "OQMD"].find((s) => sourcesOfMaterial.includes(s)) ?? sourcesOfMaterial[0] ?? "AFLOW";
  const sourceOptions = (sourcesOfMaterial.length ? sourcesOfMaterial : ["AFLOW", "MP", "OQMD", "JARVIS"]).map(
    (s) => [s, s] as const,
  );

  const kind = select(
    "kind",
    kinds.map((k) => [k, humanize(k)] as const),
    kinds.includes("FEM_CANTILEVER") ? "FEM_CANTILEVER" : kinds[0],
  );
  const potential = h("input", { name: "potential", value: "Cu_u3.eam", spellcheck: false });
  const lattice = select(
    "lattice",
    LATTICES.map((l) => [l, l] as const),
    "fcc",
  );
  const a0 = h("input", { name: "a0", type: "number", step: "any", min: "0", placeholder: "from the potential" });
  const repeat = h("input", { name: "repeat", value: "3x3x3" });
  const temperature = h("input", { name: "temperatureK", type: "number", step: "any", min: "0", placeholder: "300" });
  const steps = h("input", { name: "steps", type: "number", step: "1", min: "1", placeholder: "default" });
  const elasticFrom = select("elasticFrom", sourceOptions, preferredSource);
  const femMesh = h("input", { name: "elements", value: "20x2x2" });
  const femElement = select("element", FEM_ELEMENTS, "hex8i");
  const load = h("input", { name: "load", type: "number", step: "any", value: "500" });

  const mdFields = h(
    "div",
    { class: "field-grid" },
    field("Potential file", potential, "In the server's potentials folder"),
    field("Lattice", lattice),
    field("a₀ (Å)", a0),
    field("Supercell", repeat, "Repeats along a, b, c"),
    field("Temperature (K)", temperature),
    field("MD steps", steps),
  );
  const femFields = h(
    "div",
    { class: "field-grid" },
    field("Constants from", elasticFrom, "The source's stored value"),
    field("Mesh", femMesh, "Elements along length, width, height"),
    field("Element", femElement),
    field("Load (N)", load),
  );

  const tokenHint = h(
    "p",
    { class: "notice" },
    "Running a simulation needs an operator token: paste it in the field at the top right.",
  );
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const run = h("button", { type: "submit", class: "primary" }, "Run simulation");
  const form = h(
    "form",
    { class: "simulate-form" },
    field("Simulation", kind),
    mdFields,
    femFields,
    tokenHint,
    error,
    h("div", { class: "actions" }, run),
  );

  const jobCard = h("div", { class: "job-card", hidden: true, "data-testid": "job-card" });
  const history = h("div", { class: "job-history" });
  const element = h("div", { class: "simulate-panel" }, form, jobCard, history);

  const syncKind = () => {
    const k = kind.value;
    mdFields.hidden = !k.startsWith("MD_");
    femFields.hidden = !k.startsWith("FEM_");
    if (k === "FEM_HEAT" && femMesh.value === "20x2x2") femMesh.value = "10x10x10";
    if (k !== "FEM_HEAT" && femMesh.value === "10x10x10") femMesh.value = "20x2x2";
    if (k === "FEM_HEAT") femElement.value = "hex8";
    load.closest("label")!.hidden = k === "FEM_HEAT";
    (elasticFrom.closest("label")!.querySelector(".field-label") as HTMLElement).textContent =
      k === "FEM_HEAT" ? "Conductivity from" : "Constants from";
  };
  const syncToken = () => {
    tokenHint.hidden = Boolean(getToken());
  };
  kind.addEventListener("change", syncKind);
  syncKind();
  syncToken();
  const stopTokenWatch = onTokenChange(syncToken);

  const showError = (message: string | undefined) => {
    error.hidden = !message;
    error.textContent = message ?? "";
  };

  const buildInput = (): Record<string, unknown> => {
    const k = kind.value;
    const input: Record<string, unknown> = { kind: k, materialId: material.id };
    if (k.startsWith("MD_")) {
      const rep = dims(repeat.value);
      if (!rep) throw new Error("Supercell must look like 3x3x3");
      input["md"] = {
        potential: potential.value.trim(),
        lattice: lattice.value,
        a0: optionalNumber(a0.value),
        repeat: rep,
        temperatureK: optionalNumber(temperature.value),
        steps: optionalNumber(steps.value),
      };
    } else {
      if (!dims(femMesh.value)) throw new Error("Mesh must look like 20x2x2");
      const from = { source: elasticFrom.value };
      input["fem"] =
        k === "FEM_HEAT"
          ? { conductivityFrom: from, elements: femMesh.value.trim(), element: femElement.value }
          : {
              elasticFrom: from,
              elements: femMesh.value.trim(),
              element: femElement.value,
              load: optionalNumber(load.value),
            };
    }
    return input;
  };

  let unsubscribe: (() => void) | undefined;
  let disposed = false;

  const refreshHistory = async () => {
    try {
      const jobs = await loadMaterialJobs(material.id);
      if (disposed) return;
      if (jobs.length === 0) {
        replaceChildren(history);
        return;
      }
      replaceChildren(
        history,
        h("h3", {}, "Recent simulations"),
        h(
          "ul",
          { class: "job-list" },
          ...jobs.map((j) =>
            h(
              "li",
              {},
              h("button", { type: "button", class: "link", onclick: () => follow(j) }, j.kind),
              h("span", { class: `state state-${j.state.toLowerCase()}` }, j.state),
              h("span", { class: "muted" }, new Date(j.createdAt).toLocaleString()),
            ),
          ),
        ),
      );
    } catch {
      // The list is a convenience; the panel works without it.
    }
  };

  function follow(initial: JobView): void {
    unsubscribe?.();
    jobCard.hidden = false;
    const state = h("span", { class: "state", "data-testid": "job-state" });
    const bar = h("div", { class: "progress-fill" });
    const progress = h(
      "div",
      {
        class: "progress",
        role: "progressbar",
        "aria-valuemin": 0,
        "aria-valuemax": 100,
        "aria-valuenow": 0,
        "data-testid": "job-progress",
      },
      bar,
    );
    const percent = h("span", { class: "progress-label" });
    const message = h("p", { class: "muted job-message" });
    const log = h("ol", { class: "job-events", "data-testid": "job-events" });
    const result = h("div", { class: "job-result" });
    const cancel = h("button", { type: "button", class: "secondary" }, "Cancel");
    cancel.addEventListener("click", async () => {
      cancel.disabled = true;
      try {
        render(await cancelJob(initial.id));
      } catch (e) {
        showError(describeError(e));
        cancel.disabled = false;
      }
    });
    replaceChildren(
      jobCard,
      h(
        "div",
        { class: "job-head" },
        h("div", {}, h("strong", {}, initial.kind), h("div", { class: "job-id" }, initial.id)),
        state,
      ),
      h("div", { class: "progress-row" }, progress, percent),
      message,
      result,
      h("details", { class: "job-log" }, h("summary", {}, "Live updates"), log),
      h("div", { class: "actions" }, cancel),
    );
    let last = "";
    const render = (job: JobView) => {
      const pct = Math.round(Math.max(0, Math.min(1, job.progress)) * 100);
      state.textContent = job.state;
      state.className = `state state-${job.state.toLowerCase()}`;
      bar.style.width = `${pct}%`;
      progress.setAttribute("aria-valuenow", String(pct));
      percent.textContent = `${pct} %`;
      message.textContent = job.error ?? job.message ?? "";
      cancel.hidden = ENDED.has(job.state);
      const line = `${job.state} ${pct} %${job.message ? ` — ${job.message}` : ""}`;
      if (line !== last) {
        last = line;
        log.append(h("li", { "data-state": job.state }, h("time", {}, new Date().toLocaleTimeString()), ` ${line}`));
      }
      if (job.result) {
        const rows = Object.entries(job.result).filter(([, v]) => typeof v === "number" || typeof v === "string");
        replaceChildren(
          result,
          h(
            "table",
            { class: "data-table compact", "data-testid": "job-result" },
            h(
              "tbody",
              {},
              ...rows.map(([k, v]) =>
                h(
                  "tr",
                  { "data-result-key": k },
                  h("th", { scope: "row" }, k),
                  h("td", { class: "num" }, typeof v === "number" ? formatNumber(v) : String(v)),
                ),
              ),
            ),
          ),
        );
      }
    };
    render(initial);
    unsubscribe = subscribe<{ jobUpdated: JobView }>(
      JOB_UPDATED,
      { id: initial.id },
      {
        next: (data) => {
          render(data.jobUpdated);
          if (data.jobUpdated.state === "SUCCEEDED") onResultStored();
          if (ENDED.has(data.jobUpdated.state)) void refreshHistory();
        },
        error: (msg) => showError(`Live updates stopped: ${msg}`),
        complete: () => undefined,
      },
    );
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(undefined);
    run.disabled = true;
    try {
      const job = await startSimulation(buildInput());
      follow(job);
      void refreshHistory();
    } catch (e) {
      showError(describeError(e));
    } finally {
      run.disabled = false;
    }
  });

  void refreshHistory();
  return {
    element,
    dispose() {
      disposed = true;
      unsubscribe?.();
      stopTokenWatch();
    },
  };
}
