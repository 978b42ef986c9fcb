import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { DataSource } from "typeorm";
import { InvalidInputError, MatGraphError, NotFoundError } from "../errors";
import { log } from "../logger";
import { OptimadeFilterError, OptimadeNotImplementedError } from "../optimade/optimade.errors";
import { PROVIDER_PREFIX, STRUCTURE_PROPERTIES, type OptimadeType } from "../optimade/structure-properties";
import { queryStructures, structureById } from "../optimade/structure-query";
import { toStructureResource, type StructureResource } from "../optimade/structure-resource";

/**
 * MatGraph's own OPTIMADE API (specification v1.1.0) over everything the store
 * holds: /info, /info/structures, /links, /structures and /structures/{id},
 * under the versioned base URL /optimade/v1 and the unversioned /optimade.
 * Responses and errors follow the JSON:API layout the specification uses.
 */
export const OPTIMADE_API_VERSION = "1.1.0";
const DEFAULT_PAGE_LIMIT = 20;
const MAX_PAGE_LIMIT = 500;
const MEDIA_TYPE = "application/vnd.api+json";

const PROVIDER = {
  name: "MatGraph",
  description: "Materials aggregated from AFLOW, OQMD, JARVIS, the Materials Project and other OPTIMADE providers",
  prefix: PROVIDER_PREFIX,
  homepage: null,
};

const STATUS_TITLES: Readonly<Record<number, string>> = {
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  500: "Internal Server Error",
  501: "Not Implemented",
  553: "Version Not Supported",
};

/** An error this router answers with a given HTTP status. */
class OptimadeHttpError extends MatGraphError {
  readonly code = "OPTIMADE_HTTP";
  constructor(
    readonly status: number,
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
  }
}

/** OPTIMADE's type names for the info endpoint: every list is a "list". */
function infoType(type: OptimadeType): string {
  return type.startsWith("list-") ? "list" : type;
}

function queryParam(req: Request, name: string): string | undefined {
  const raw = (req.query as Record<string, unknown>)[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return typeof value === "string" ? value : undefined;
}

function intParam(req: Request, name: string, min: number): number | undefined {
  const raw = queryParam(req, name);
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new OptimadeHttpError(400, `${name} must be an integer ≥ ${min}, got "${raw}"`, name);
  }
  return value;
}

/** The versioned base URL of this request, absolute (links.next must be). */
function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get("host") ?? "localhost"}${req.baseUrl}`;
}

function meta(
  req: Request,
  extra: Record<string, unknown> = {},
  warnings: readonly string[] = [],
): Record<string, unknown> {
  return {
    query: { representation: req.url },
    api_version: OPTIMADE_API_VERSION,
    time_stamp: new Date().toISOString(),
    more_data_available: false,
    provider: PROVIDER,
    implementation: { name: "MatGraph" },
    ...extra,
    ...(warnings.length ? { warnings: warnings.map((detail) => ({ type: "warning", title: "Warning", detail })) } : {}),
  };
}

function send(res: Response, status: number, body: unknown): void {
  res.status(status).type(MEDIA_TYPE).send(JSON.stringify(body));
}

/** `response_fields`: id and type are always present; other fields are kept when asked for. */
function selectFields(req: Request): { fields: Set<string> | undefined; warnings: string[] } {
  const raw = queryParam(req, "response_fields");
  if (raw === undefined || raw.trim() === "") return { fields: undefined, warnings: [] };
  const fields = new Set<string>();
  const warnings: string[] = [];
  for (const name of raw
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean)) {
    if (STRUCTURE_PROPERTIES.has(name)) {
      fields.add(name);
    } else if (name.startsWith("_") && !name.startsWith(`_${PROVIDER_PREFIX}_`)) {
      warnings.push(`response field "${name}" belongs to another provider and is left out`);
    } else {
      throw new OptimadeHttpError(400, `response_fields: unknown field "${name}"`, "response_fields");
    }
  }
  return { fields, warnings };
}

function trim(resource: StructureResource, fields: Set<string> | undefined): StructureResource {
  if (!fields) return resource;
  const attributes: Record<string, unknown> = {};
  for (const name of fields) {
    if (name !== "id" && name !== "type") attributes[name] = resource.attributes[name] ?? null;
  }
  return { ...resource, attributes };
}

function checkEntryListingParams(req: Request): void {
  const format = queryParam(req, "response_format");
  if (format !== undefined && format !== "json") {
    throw new OptimadeHttpError(400, `response_format "${format}" is not served: only "json"`, "response_format");
  }
  const sort = queryParam(req, "sort");
  if (sort !== undefined && sort !== "") {
    throw new OptimadeHttpError(501, "sort is not implemented: structures come ordered by id", "sort");
  }
  for (const name of ["page_number", "page_cursor", "page_below"]) {
    if (queryParam(req, name) !== undefined) {
      throw new OptimadeHttpError(
        501,
        `${name} is not implemented: page with page_offset or page_above (links.next uses page_above)`,
        name,
      );
    }
  }
}

function versionedRoutes(dataSource: DataSource): Router {
  const router = express.Router();

  router.get("/info", (req, res) => {
    const base = baseUrl(req);
    send(res, 200, {
      data: {
        type: "info",
        id: "/",
        attributes: {
          api_version: OPTIMADE_API_VERSION,
          available_api_versions: [{ url: `${base.replace(/\/v1$/, "")}/v1`, version: OPTIMADE_API_VERSION }],
          formats: ["json"],
          entry_types_by_format: { json: ["structures"] },
          available_endpoints: ["info", "links", "structures"],
          is_index: false,
        },
      },
      meta: meta(req),
    });
  });

  router.get("/info/structures", (req, res) => {
    const properties: Record<string, unknown> = {};
    for (const p of STRUCTURE_PROPERTIES.values()) {
      properties[p.name] = {
        description: p.description,
        type: infoType(p.type),
        ...(p.unit ? { unit: p.unit } : {}),
        sortable: p.name === "id",
        queryable: p.sql ? "must" : "none",
      };
    }
    send(res, 200, {
      data: {
        description: "One structure per source record that carries a crystal structure",
        properties,
        formats: ["json"],
        output_fields_by_format: { json: [...STRUCTURE_PROPERTIES.keys()] },
      },
      meta: meta(req),
    });
  });

  router.get("/links", (req, res) => {
    send(res, 200, { data: [], meta: meta(req, { data_returned: 0 }) });
  });

  router.get("/structures", async (req, res) => {
    checkEntryListingParams(req);
    const limitAsked = intParam(req, "page_limit", 1);
    if (limitAsked !== undefined && limitAsked > MAX_PAGE_LIMIT) {
      throw new OptimadeHttpError(
        403,
        `page_limit ${limitAsked} is above the maximum of ${MAX_PAGE_LIMIT}`,
        "page_limit",
      );
    }
    const limit = limitAsked ?? DEFAULT_PAGE_LIMIT;
    const offset = intParam(req, "page_offset", 0);
    const above = queryParam(req, "page_above");
    if (offset !== undefined && above !== undefined) {
      throw new OptimadeHttpError(400, "page_offset and page_above cannot be combined", "page_offset");
    }
    const filter = queryParam(req, "filter");
    const { fields, warnings: fieldWarnings } = selectFields(req);
    const page = await queryStructures(dataSource, {
      filter: filter !== undefined && filter.trim() !== "" ? filter : undefined,
      limit,
      offset,
      above,
    });
    let next: string | null = null;
    const last = page.rows[page.rows.length - 1];
    if (page.moreDataAvailable && last) {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(req.query as Record<string, unknown>)) {
        if (name === "page_offset" || name === "page_above" || typeof value !== "string") continue;
        params.set(name, value);
      }
      if (offset !== undefined) params.set("page_offset", String(offset + limit));
      else params.set("page_above", `${last.source}:${last.sourceId}`);
      if (!params.has("page_limit")) params.set("page_limit", String(limit));
      next = `${baseUrl(req)}/structures?${params.toString()}`;
    }
    send(res, 200, {
      links: { next },
      data: page.rows.map((row) => trim(toStructureResource(row), fields)),
      meta: meta(req, { data_returned: page.dataReturned, more_data_available: page.moreDataAvailable }, [
        ...page.warnings,
        ...fieldWarnings,
      ]),
    });
  });

  router.get("/structures/:id", async (req, res) => {
    const format = queryParam(req, "response_format");
    if (format !== undefined && format !== "json") {
      throw new OptimadeHttpError(400, `response_format "${format}" is not served: only "json"`, "response_format");
    }
    const { fields, warnings } = selectFields(req);
    const id = String(req.params["id"]);
    const row = await structureById(dataSource, id);
    if (!row) throw new NotFoundError(`no structure with id "${id}"`);
    send(res, 200, {
      links: { next: null },
      data: trim(toStructureResource(row), fields),
      meta: meta(req, { data_returned: 1 }, warnings),
    });
  });

  return router;
}

function errorBody(req: Request, status: number, detail: string, extra: Record<string, unknown> = {}): unknown {
  return {
    errors: [{ status: String(status), title: STATUS_TITLES[status] ?? "Error", detail, ...extra }],
    meta: meta(req),
  };
}

/** Mount with `app.use("/optimade", optimadeRouter(dataSource))`. */
export function optimadeRouter(dataSource: DataSource): Router {
  const router = express.Router();
  const routes = versionedRoutes(dataSource);

  router.get("/versions", (_req, res) => {
    res.type("text/csv; header=present").send("version\n1\n");
  });
  router.use("/v1", routes);
  router.use((req, res, next) => {
    // A versioned base URL other than /v1 (e.g. /v2, /v1.2): the specification's status 553.
    if (/^\/v\d/.test(req.path) && !/^\/v1(\/|$)/.test(req.path)) {
      send(
        res,
        553,
        errorBody(req, 553, `this implementation serves OPTIMADE version 1 only, under ${req.baseUrl}/v1`),
      );
      return;
    }
    next();
  });
  router.use(routes);
  router.use((req, res) => {
    send(res, 404, errorBody(req, 404, `no OPTIMADE endpoint ${req.method} ${req.baseUrl}${req.path}`));
  });
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof OptimadeFilterError) {
      send(
        res,
        400,
        errorBody(req, 400, error.message, { source: { parameter: "filter" }, meta: { position: error.position } }),
      );
    } else if (error instanceof OptimadeNotImplementedError) {
      send(
        res,
        501,
        errorBody(req, 501, error.message, { source: { parameter: "filter" }, meta: { position: error.position } }),
      );
    } else if (error instanceof OptimadeHttpError) {
      send(
        res,
        error.status,
        errorBody(req, error.status, error.message, error.parameter ? { source: { parameter: error.parameter } } : {}),
      );
    } else if (error instanceof InvalidInputError) {
      send(res, 400, errorBody(req, 400, error.message));
    } else if (error instanceof NotFoundError) {
      send(res, 404, errorBody(req, 404, error.message));
    } else {
      log.error(`OPTIMADE request ${req.originalUrl} failed`, error);
      send(res, 500, errorBody(req, 500, "Internal server error"));
    }
  });
  return router;
}
