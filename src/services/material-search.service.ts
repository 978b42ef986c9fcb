import type { DataSource } from "typeorm";
import type { PropertyKey } from "../domain/property-key";
import type { Source } from "../domain/source";
import { InvalidInputError } from "../errors";
import { readRows } from "../store/sql";
import {
  checkPropertyRange,
  materialFilterSql,
  propertyRangeSql,
  SqlParams,
  type MaterialFilter,
} from "./material-filter";
import { MATERIAL_COLUMNS, type MaterialRecord } from "./records";

export type MaterialOrderField = "FORMULA" | "NELEMENTS" | "PROPERTY";
export type SortDirection = "ASC" | "DESC";

export interface MaterialOrder {
  readonly field: MaterialOrderField;
  readonly direction?: SortDirection | null;
  /** With PROPERTY: the key; materials without a value of it are left out. */
  readonly key?: PropertyKey | null;
  /** With PROPERTY: only values from this source count. */
  readonly source?: Source | null;
}

export interface MaterialPage {
  readonly materials: ReadonlyArray<{ material: MaterialRecord; cursor: string }>;
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  /** Counted only when asked for: a count over a large filter costs more than the page. */
  totalCount(): Promise<number>;
}

type CursorValue = string | number;

function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

function decodeCursor(cursor: string, arity: number): CursorValue[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(values) &&
      values.length === arity &&
      values.every((v) => typeof v === "string" || (typeof v === "number" && Number.isFinite(v)))
    ) {
      return values as CursorValue[];
    }
  } catch {
    // fall through to the error below
  }
  throw new InvalidInputError(`invalid cursor "${cursor}": pass an endCursor from a page with the same orderBy`);
}

/**
 * A property range usually matches a few thousand of the hundreds of thousands
 * of materials, but the planner cannot see that through `EXISTS (…)`: it walks
 * the materials in output order and probes each, hundreds of milliseconds to
 * fill a page. So the values in each range are first counted in the (key, value)
 * index, up to a cap: below it, the page is chosen among just the materials with
 * such a value; a wider range keeps the probe, which finds its matches early.
 */
const RANGE_LOOKUP_CAP = 10_000;

/** Indexes of the filter's property ranges that match at most `cap` values. */
async function selectiveRanges(
  dataSource: DataSource,
  filter: MaterialFilter | null | undefined,
  cap: number,
): Promise<Set<number>> {
  const ranges = filter?.properties ?? [];
  ranges.forEach((range, i) => checkPropertyRange(range, i));
  const counts = await Promise.all(
    ranges.map(async (range) => {
      const params = new SqlParams();
      const [row] = await readRows<{ n: number }>(
        dataSource,
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM properties p WHERE ${propertyRangeSql(range, params)}
         LIMIT ${params.add(cap + 1)}) t`,
        params.values,
      );
      return row?.n ?? 0;
    }),
  );
  return new Set(counts.flatMap((n, i) => (n <= cap ? [i] : [])));
}

/**
 * Keyset pagination over materials: each order has a unique sort key (the
 * formula, or a value followed by the material id), and the cursor holds it, so
 * page N costs the same as page 1.
 */
export async function searchMaterials(
  dataSource: DataSource,
  args: {
    filter?: MaterialFilter | null;
    orderBy?: MaterialOrder | null;
    first: number;
    after?: string | null;
    /** Property ranges with more values than this are probed per material; tests lower it to cover both paths. */
    rangeLookupCap?: number;
  },
): Promise<MaterialPage> {
  const selective = await selectiveRanges(dataSource, args.filter, args.rangeLookupCap ?? RANGE_LOOKUP_CAP);
  const params = new SqlParams();
  const ranges = args.filter?.properties ?? [];
  // The first range becomes an array, so that its materials are fetched by key (a join would make the planner
  // weigh a scan of all materials); the CTE is materialised so that it sorts these few instead of walking all.
  const lookups = [...selective].map((i, k) => {
    const values = `SELECT p.material_id FROM properties p WHERE ${propertyRangeSql(ranges[i]!, params)}`;
    return k === 0 ? `id = ANY(ARRAY(${values}))` : `id IN (${values})`;
  });
  const restrict = lookups.length
    ? `WITH m AS MATERIALIZED (SELECT * FROM materials WHERE ${lookups.join(" AND ")}) `
    : "";
  const where = materialFilterSql(args.filter, params, selective);
  const order = args.orderBy ?? { field: "FORMULA" };
  const descending = order.direction === "DESC";
  const cmp = descending ? "<" : ">";
  const dir = descending ? "DESC" : "ASC";

  let from = restrict ? "m" : "materials m";
  let sortColumns: string[];
  let sortSelect = "";
  if (order.field === "PROPERTY") {
    if (!order.key) throw new InvalidInputError("orderBy.key is required when orderBy.field is PROPERTY");
    const conditions = [`pe.material_id = m.id`, `p.key = ${params.add(order.key)}`, `p.value IS NOT NULL`];
    if (order.source) conditions.push(`pe.source = ${params.add(order.source)}`);
    from +=
      ` CROSS JOIN LATERAL (SELECT avg(p.value) AS v FROM entries pe JOIN properties p ON p.entry_id = pe.id` +
      ` WHERE ${conditions.join(" AND ")}) s`;
    where.push(`s.v IS NOT NULL`);
    sortColumns = ["s.v", "m.id"];
    sortSelect = `, s.v AS "sortValue"`;
  } else if (order.field === "NELEMENTS") {
    sortColumns = ["m.nelements", "m.formula"];
  } else {
    sortColumns = ["m.formula"];
  }
  const countWhere = [...where];
  const countParamCount = params.values.length;

  if (args.after) {
    const values = decodeCursor(args.after, sortColumns.length);
    const placeholders = values.map((v) => params.add(v));
    where.push(`(${sortColumns.join(", ")}) ${cmp} (${placeholders.join(", ")})`);
  }
  const limit = params.add(args.first + 1);
  const sql =
    `${restrict}SELECT ${MATERIAL_COLUMNS}${sortSelect} FROM ${from}` +
    (where.length ? ` WHERE ${where.join(" AND ")}` : "") +
    ` ORDER BY ${sortColumns.map((c) => `${c} ${dir}`).join(", ")} LIMIT ${limit}`;
  const rows = await readRows<MaterialRecord & { sortValue?: number }>(dataSource, sql, params.values);

  const page = rows.slice(0, args.first);
  const cursorOf = (r: MaterialRecord & { sortValue?: number }): CursorValue[] =>
    order.field === "PROPERTY"
      ? [Number(r.sortValue), r.id]
      : order.field === "NELEMENTS"
        ? [r.nelements, r.formula]
        : [r.formula];
  const countParams = params.values.slice(0, countParamCount);
  return {
    materials: page.map((r) => {
      // Only a PROPERTY order selects the sort value; other rows are records as they are, uncopied.
      let material: MaterialRecord = r;
      if (order.field === "PROPERTY") {
        const { sortValue: _sortValue, ...rest } = r;
        material = rest;
      }
      return { material, cursor: encodeCursor(cursorOf(r)) };
    }),
    hasNextPage: rows.length > args.first,
    hasPreviousPage: Boolean(args.after),
    async totalCount() {
      const [row] = await dataSource.query(
        `${restrict}SELECT count(*)::int AS n FROM ${from}` +
          (countWhere.length ? ` WHERE ${countWhere.join(" AND ")}` : ""),
        countParams,
      );
      return (row as { n: number }).n;
    },
  };
}
