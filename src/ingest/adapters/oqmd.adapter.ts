import { PropertyKey } from "../../domain/property-key";
import { Source } from "../../domain/source";
import type { CanonicalEntry, DraftEntry } from "../../services/canonical-entry";
import {
  type AdapterOptions,
  DUMP_PAGE_SIZE,
  dumpName,
  dumpPages,
  firstPageSize,
  httpClientFor,
} from "../adapter-options";
import type { HttpClient } from "../http-client";
import { RecordError } from "../ingest.errors";
import {
  asRecord,
  cellVolume,
  matrix3,
  optionalInteger,
  optionalNumber,
  optionalString,
  PropertyList,
  reducedFormula,
  structureOf,
  toNumber,
  type RawRecord,
} from "../record-fields";
import type { Cursor, SourceAdapter, SourcePage } from "../source-adapter";
import { UnparsedRecord } from "../../services/ingest-raw-text";

/**
 * OQMD REST API, `GET /oqmdapi/formationenergy?fields=…&filter=…&limit=…&offset=…`,
 * following `links.next` to the end. `--filter` is OQMD's own filter expression
 * (e.g. `element_set=(Al-Fe),O AND stability<0.05`).
 *
 * Units as OQMD reports them: delta_e and stability eV/atom, band_gap eV, volume Å³
 * per cell, unit_cell Å, sites "El @ x y z" fractional. `stability` is the distance
 * to OQMD's hull and is negative for phases below the hull of the others; it is
 * kept as reported.
 */
export const OQMD_BASE_URL = "http://oqmd.org";
const PATH = "oqmdapi/formationenergy";
const FIELDS = [
  "name",
  "entry_id",
  "composition",
  "spacegroup",
  "prototype",
  "icsd_id",
  "volume",
  "natoms",
  "ntypes",
  "unit_cell",
  "sites",
  "band_gap",
  "delta_e",
  "stability",
  "fit",
  "calculation_label",
].join(",");

export class OqmdAdapter implements SourceAdapter {
  readonly source = Source.OQMD;
  readonly kind: string;
  readonly target: string;
  readonly isFullListing: boolean;
  private readonly client: HttpClient;
  private readonly pageSize: number;

  constructor(private readonly options: AdapterOptions = {}) {
    const baseUrl = options.baseUrl ?? OQMD_BASE_URL;
    this.client = httpClientFor(baseUrl, { concurrency: 2, requestsPerSecond: 2 }, options);
    this.pageSize = options.pageSize ?? (options.file ? DUMP_PAGE_SIZE : 100);
    this.kind = options.file ? "dump" : "api";
    this.target = options.file
      ? dumpName(options.file)
      : `${this.client.resolve(PATH)}${options.filter ? `?filter=${options.filter}` : ""}`;
    this.isFullListing = !options.filter;
  }

  async *pages(from: Cursor | null, signal?: AbortSignal): AsyncGenerator<SourcePage> {
    if (this.options.file) {
      yield* dumpPages(this.options.file, this.client, from, this.pageSize, undefined, signal);
      return;
    }
    const pageUrl = (offset: number, limit: number) =>
      `${PATH}?${new URLSearchParams({
        fields: FIELDS,
        ...(this.options.filter ? { filter: this.options.filter } : {}),
        limit: String(limit),
        offset: String(offset),
        format: "json",
      }).toString()}`;
    // A fresh listing starts with a short page (FIRST_PAGE_SIZE); the next one is asked for at full size.
    const firstLimit = firstPageSize(this.pageSize);
    let url: string | null = typeof from === "string" ? from : pageUrl(0, firstLimit);
    let shortFirst = typeof from !== "string" && firstLimit < this.pageSize;
    while (url) {
      // Records stay in the page's own text until they are normalised, and are stored as that text.
      const response = await this.client.getJsonRecordTexts(url, "data", undefined, signal);
      const body = asRecord(response.document, "OQMD response");
      if (!Array.isArray(body["data"])) throw new RecordError("OQMD response has no data list");
      const records: unknown[] = response.texts
        ? response.texts.map((text) => new UnparsedRecord(text))
        : (body["data"] as unknown[]);
      const links = body["links"] as RawRecord | undefined;
      const meta = body["meta"] as RawRecord | undefined;
      let nextLink = typeof links?.["next"] === "string" && records.length > 0 ? (links["next"] as string) : null;
      // OQMD's next link keeps the first page's limit: the second page is asked for by offset instead.
      if (shortFirst && nextLink !== null) nextLink = pageUrl(records.length, this.pageSize);
      shortFirst = false;
      const baseMeta = (links?.["base_url"] as RawRecord | undefined)?.["meta"] as RawRecord | undefined;
      const version = baseMeta?.["_oqmd_version"] ?? meta?.["api_version"];
      const total = meta?.["data_available"];
      yield {
        records,
        next: nextLink,
        ...(typeof version === "string" ? { release: `oqmd-api ${version}` } : {}),
        ...(typeof total === "number" ? { total } : {}),
      };
      url = nextLink;
    }
  }

  idOf(raw: unknown): string | undefined {
    const id = (raw as RawRecord | null)?.["entry_id"];
    return typeof id === "number" || typeof id === "string" ? String(id) : undefined;
  }

  withdrawScope(): string {
    return "";
  }

  normalise(raw: unknown): CanonicalEntry {
    const r = asRecord(raw);
    const entryId = optionalInteger(r, "entry_id");
    if (entryId === undefined) throw new RecordError("field entry_id is missing");
    const composition = optionalString(r, "composition");
    const name = optionalString(r, "name");
    const formulaText = composition?.replace(/\s+/g, "") ?? name;
    if (!formulaText) throw new RecordError("neither composition nor name is given");

    const unitCell = r["unit_cell"];
    const sites = r["sites"];
    let structure: CanonicalEntry["structure"];
    if (unitCell != null && sites != null) {
      const lattice = matrix3(unitCell, "unit_cell");
      if (!Array.isArray(sites)) throw new RecordError("field sites: expected a list");
      const species: string[] = [];
      const fracCoords = sites.map((site, i) => {
        const parts = siteText;
        if (typeof site !== "string" || !readSite(site, parts)) {
          throw new RecordError(`sites[${i}]: expected "El @ x y z", got ${JSON.stringify(site)}`);
        }
        species.push(parts[0] as string);
        const frac = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
        // The field is named only when a coordinate is bad: building the name for every site showed in profiles.
        if (!frac.every(Number.isFinite)) frac.forEach((_, k) => toNumber(parts[k + 1], `sites[${i}]`));
        return frac;
      });
      structure = structureOf(lattice, fracCoords, species, "sites");
    }
    const formula = reducedFormula(formulaText);
    const natoms = optionalInteger(r, "natoms") ?? structure?.species.length;
    const volume = optionalNumber(r, "volume") ?? (structure ? cellVolume(structure.lattice) : undefined);

    const properties = new PropertyList()
      .add(PropertyKey.FORMATION_ENERGY_PER_ATOM, optionalNumber(r, "delta_e"), "eV/atom")
      .add(PropertyKey.ENERGY_ABOVE_HULL, optionalNumber(r, "stability"), "eV/atom")
      .add(PropertyKey.BAND_GAP, optionalNumber(r, "band_gap"), "eV")
      .add(PropertyKey.VOLUME_PER_ATOM, volume !== undefined && natoms ? volume / natoms : undefined, "Å^3/atom").items;
    const spacegroup = optionalString(r, "spacegroup");
    const entry: DraftEntry = {
      source: Source.OQMD,
      sourceId: String(entryId),
      formula,
      method: "DFT",
      functional: "PBE",
      raw: r,
      sourceUrl: `https://oqmd.org/materials/entry/${entryId}`,
      properties,
    };
    // Set one by one rather than spread from one-field objects (one each per record).
    if (spacegroup) entry.spacegroupSymbol = spacegroup;
    if (structure) entry.structure = structure;
    if (volume !== undefined) entry.volumeAngstrom3 = volume;
    return entry;
  }
}

const SITE = /^\s*(\S+)\s*@\s*(\S+)\s+(\S+)\s+(\S+)\s*$/;

/**
 * Reads a site "El @ x y z" into `parts` (species, x, y, z) as SITE reads it; false when it
 * is not of that form. OQMD writes single spaces and printable ASCII, which is cut by
 * position; anything else goes through SITE. (SITE's match arrays were the largest
 * allocation of an OQMD ingest, at about nine sites per record.)
 */
export function readSite(site: string, parts: string[]): boolean {
  const at = site.indexOf(" @ ");
  const x = at + 3;
  const y = site.indexOf(" ", x) + 1;
  const z = y > 0 ? site.indexOf(" ", y) + 1 : 0;
  if (
    at > 0 &&
    y > x + 1 &&
    z > y + 1 &&
    z < site.length &&
    printable(site, 0, at) &&
    printable(site, x, y - 1) &&
    printable(site, y, z - 1) &&
    printable(site, z, site.length)
  ) {
    parts[0] = site.slice(0, at);
    parts[1] = site.slice(x, y - 1);
    parts[2] = site.slice(y, z - 1);
    parts[3] = site.slice(z);
    return true;
  }
  const match = SITE.exec(site);
  if (!match) return false;
  for (let k = 0; k < 4; k++) parts[k] = match[k + 1] as string;
  return true;
}

/** Whether site[from, to) holds only printable ASCII other than the space. */
function printable(site: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const code = site.charCodeAt(k);
    if (code <= 32 || code >= 127) return false;
  }
  return true;
}

/** Reused by every site (read and used before the next one). */
const siteText = ["", "", "", ""];
