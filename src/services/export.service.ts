import type { DataSource } from "typeorm";
import { canonicalUnitOf, isPropertyKey, PROPERTY_KEYS, type PropertyKey } from "../domain/property-key";
import { isSource, type Source } from "../domain/source";
import { InvalidInputError } from "../errors";
import {
  materialFilterSql,
  SqlParams,
  type ElementsFilter,
  type MaterialFilter,
  type PropertyRange,
} from "./material-filter";

/**
 * Bulk export of materials for people who want files: one row per material ×
 * source, chosen property columns in canonical units (the unit is part of the
 * column name, e.g. `bulk_modulus_vrh_GPa`), as CSV or JSON lines.
 *
 * Rows are read in keyset batches ordered by (material id, source), so memory
 * stays constant whatever the size of the result, and each row appears once
 * even if the store changes during the export. A property cell is the mean of
 * the source's values of that key for the material (a source may hold several
 * records, e.g. polymorphs, of one composition); `source_ids` lists them.
 * Records their source has withdrawn are left out.
 */
export interface ExportRequest {
  /** The same filter as the GraphQL `materials` query, OPTIMADE filter included. */
  readonly filter: MaterialFilter;
  /** Property columns, in order. */
  readonly keys: readonly PropertyKey[];
}

export interface ExportRow {
  readonly materialId: number;
  readonly formula: string;
  readonly chemsys: string;
  readonly elements: string[];
  readonly nelements: number;
  readonly source: Source;
  readonly sourceIds: string[];
  /** One per key of the request, in canonical units; null when the source has no value. */
  readonly values: Array<number | null>;
}

export const DEFAULT_EXPORT_BATCH_ROWS = 2000;

const QUERY_PARAMETERS = new Set([
  "hasAll",
  "hasAny",
  "hasOnly",
  "excludes",
  "nelementsMin",
  "nelementsMax",
  "formula",
  "chemsys",
  "sources",
  "property",
  "optimadeFilter",
  "keys",
]);

/** A unit as part of a column name: `GPa`, `eV_per_atom`, `g_per_cm3`, `A3_per_atom`, `muB_per_atom`, `per_K`. */
export function unitSlug(unit: string): string {
  return unit
    .replace(/Å/g, "A")
    .replace(/[μµ]/g, "mu")
    .replace(/\^/g, "")
    .replace(/^1\//, "per_")
    .replace(/\//g, "_per_")
    .replace(/[^A-Za-z0-9_]/g, "");
}

export function propertyColumnName(key: PropertyKey): string {
  const slug = unitSlug(canonicalUnitOf(key));
  return slug ? `${key.toLowerCase()}_${slug}` : key.toLowerCase();
}

export function exportColumnNames(keys: readonly PropertyKey[]): string[] {
  return ["material_id", "formula", "chemsys", "nelements", "source", "source_ids", ...keys.map(propertyColumnName)];
}

// ---------------------------------------------------------------------------
// Query parameters → request

function single(query: Record<string, unknown>, name: string): string | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  if (Array.isArray(raw) || typeof raw !== "string") throw new InvalidInputError(`${name} may be given once`);
  return raw;
}

function list(query: Record<string, unknown>, name: string): string[] | undefined {
  const raw = single(query, name);
  if (raw === undefined) return undefined;
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function integer(query: Record<string, unknown>, name: string): number | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new InvalidInputError(`${name} must be an integer, got "${raw}"`);
  return value;
}

function bound(text: string | undefined, field: string): number | null {
  if (text === undefined || text.trim() === "") return null;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new InvalidInputError(`${field} must be a finite number, got "${text}"`);
  return value;
}

/** `BULK_MODULUS_VRH:100:200`, `BAND_GAP::1.5:MP`, `DENSITY:5` (min only). */
function parsePropertyRange(text: string, index: number): PropertyRange {
  const field = `property[${index}]`;
  const [key, min, max, source, ...rest] = text.split(":");
  if (!key || rest.length > 0) throw new InvalidInputError(`${field} must read KEY:min:max[:SOURCE], got "${text}"`);
  if (!isPropertyKey(key)) throw new InvalidInputError(`${field}: unknown property key "${key}"`);
  if (source !== undefined && source !== "" && !isSource(source))
    throw new InvalidInputError(`${field}: unknown source "${source}"`);
  return {
    key,
    min: bound(min, `${field}.min`),
    max: bound(max, `${field}.max`),
    source: source ? (source as Source) : null,
  };
}

/** Validates the query string of `/export/materials.{csv,jsonl}`; InvalidInputError names the first problem. */
export function parseExportQuery(query: Record<string, unknown>): ExportRequest {
  for (const name of Object.keys(query)) {
    if (!QUERY_PARAMETERS.has(name)) {
      throw new InvalidInputError(`unknown query parameter "${name}": use ${[...QUERY_PARAMETERS].join(", ")}`);
    }
  }
  const elements: ElementsFilter = {
    hasAll: list(query, "hasAll") ?? null,
    hasAny: list(query, "hasAny") ?? null,
    hasOnly: list(query, "hasOnly") ?? null,
    excludes: list(query, "excludes") ?? null,
  };
  const nelementsMin = integer(query, "nelementsMin");
  const nelementsMax = integer(query, "nelementsMax");
  const sources = list(query, "sources");
  for (const s of sources ?? []) if (!isSource(s)) throw new InvalidInputError(`sources: unknown source "${s}"`);

  const rawRanges = query["property"];
  const rangeTexts = rawRanges === undefined ? [] : Array.isArray(rawRanges) ? rawRanges : [rawRanges];
  const properties = rangeTexts.map((t, i) => {
    if (typeof t !== "string") throw new InvalidInputError(`property[${i}] must be text`);
    return parsePropertyRange(t, i);
  });

  const keyNames = list(query, "keys");
  let keys: PropertyKey[];
  if (keyNames) {
    if (keyNames.length === 0) throw new InvalidInputError("keys must list at least one property key");
    keys = keyNames.map((k) => {
      if (!isPropertyKey(k)) throw new InvalidInputError(`keys: unknown property key "${k}"`);
      if (PROPERTY_KEYS[k].isArray) throw new InvalidInputError(`keys: ${k} is an array and has no single column`);
      return k;
    });
    keys = [...new Set(keys)];
  } else if (properties.length > 0) {
    keys = [...new Set(properties.map((p) => p.key))];
  } else {
    keys = (Object.keys(PROPERTY_KEYS) as PropertyKey[]).filter((k) => !PROPERTY_KEYS[k].isArray);
  }

  const optimadeFilter = single(query, "optimadeFilter");
  return {
    filter: {
      elements: Object.values(elements).some((v) => v !== null) ? elements : null,
      nelements:
        nelementsMin !== undefined || nelementsMax !== undefined
          ? { min: nelementsMin ?? null, max: nelementsMax ?? null }
          : null,
      formula: single(query, "formula") ?? null,
      chemsys: single(query, "chemsys") ?? null,
      sources: (sources as Source[] | undefined) ?? null,
      properties: properties.length ? properties : null,
      optimadeFilter: optimadeFilter !== undefined && optimadeFilter.trim() !== "" ? optimadeFilter : null,
    },
    keys,
  };
}

// ---------------------------------------------------------------------------
// Reading

interface ExportPlan {
  readonly sql: string;
  /** Filter and key parameters; the cursor (material id, source) and the batch size follow them. */
  readonly values: readonly unknown[];
}

/**
 * One statement per batch: group the entries of the next `limit` (material,
 * source) pairs after the cursor, then read each property column from those
 * entries' properties through the (entry_id, key) index.
 */
function exportPlan(request: ExportRequest): ExportPlan {
  const params = new SqlParams();
  const where = materialFilterSql(request.filter, params);
  // The sources filter picks the materials (as in GraphQL) and the rows: only those sources are exported.
  if (request.filter.sources) where.push(`e.source = ANY(${params.add(request.filter.sources)}::text[])`);
  const columns = request.keys.map(
    (key, i) =>
      `(SELECT avg(p.value) FROM properties p WHERE p.entry_id = ANY(g.entry_ids) AND p.key = ${params.add(key)}) AS v${i}`,
  );
  const materialCursor = params.add(0);
  const sourceCursor = params.add("");
  const limit = params.add(0);
  const values = params.values.slice(0, params.values.length - 3);
  const sql = `
    WITH g AS (
      SELECT e.material_id, e.source, array_agg(e.source_id ORDER BY e.source_id) AS source_ids, array_agg(e.id) AS entry_ids
      FROM entries e JOIN materials m ON m.id = e.material_id
      WHERE e.withdrawn_at IS NULL AND (e.material_id, e.source) > (${materialCursor}::int, ${sourceCursor}::text)
        ${where.map((w) => `AND ${w}`).join(" ")}
      GROUP BY e.material_id, e.source
      ORDER BY e.material_id, e.source
      LIMIT ${limit}::int
    )
    SELECT g.material_id AS "materialId", m.formula, m.chemsys, m.elements, m.nelements, g.source, g.source_ids AS "sourceIds"
      ${columns.map((c) => `, ${c}`).join("")}
    FROM g JOIN materials m ON m.id = g.material_id
    ORDER BY g.material_id, g.source`;
  return { sql, values };
}

/**
 * The rows of an export, batch by batch. Validation and SQL building happen
 * on the first `next()`, so a bad filter fails before anything is sent.
 */
export async function* exportBatches(
  dataSource: DataSource,
  request: ExportRequest,
  batchRows = DEFAULT_EXPORT_BATCH_ROWS,
): AsyncGenerator<ExportRow[], void, undefined> {
  const plan = exportPlan(request);
  let cursor: [number, string] = [0, ""];
  for (;;) {
    const values = [...plan.values, cursor[0], cursor[1], batchRows];
    // The per-row property subqueries inflate the plan's cost estimate past PostgreSQL's JIT threshold:
    // compiling then costs ten times more than running a batch, so JIT is switched off for it.
    const raw: Array<Record<string, unknown>> = await dataSource.transaction(async (manager) => {
      await manager.query("SET LOCAL jit = off");
      return manager.query(plan.sql, values);
    });
    if (raw.length === 0) return;
    const rows = raw.map((r): ExportRow => ({
      materialId: r["materialId"] as number,
      formula: r["formula"] as string,
      chemsys: r["chemsys"] as string,
      elements: r["elements"] as string[],
      nelements: r["nelements"] as number,
      source: r["source"] as Source,
      sourceIds: r["sourceIds"] as string[],
      values: request.keys.map((_k, i) => {
        const v = r[`v${i}`];
        return v === null || v === undefined ? null : Number(v);
      }),
    }));
    yield rows;
    if (raw.length < batchRows) return;
    const last = rows[rows.length - 1] as ExportRow;
    cursor = [last.materialId, last.source];
  }
}

// ---------------------------------------------------------------------------
// Formats

/** RFC 4180: quote a field holding a comma, quote, CR or LF (or surrounding spaces), doubling inner quotes. */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(keys: readonly PropertyKey[]): string {
  return exportColumnNames(keys).map(csvField).join(",") + "\r\n";
}

export function csvLine(row: ExportRow): string {
  return (
    [row.materialId, row.formula, row.chemsys, row.nelements, row.source, row.sourceIds.join(";"), ...row.values]
      .map(csvField)
      .join(",") + "\r\n"
  );
}

export function jsonLine(row: ExportRow, keys: readonly PropertyKey[]): string {
  const record: Record<string, unknown> = {
    material_id: row.materialId,
    formula: row.formula,
    chemsys: row.chemsys,
    elements: row.elements,
    nelements: row.nelements,
    source: row.source,
    source_ids: row.sourceIds,
  };
  keys.forEach((k, i) => {
    record[propertyColumnName(k)] = row.values[i] ?? null;
  });
  return JSON.stringify(record) + "\n";
}
