import { PropertyKey } from "../../domain/property-key";
import { Source } from "../../domain/source";
import type { CanonicalEntry } from "../../services/canonical-entry";
import { type AdapterOptions, DUMP_PAGE_SIZE, dumpName, dumpPages, httpClientFor } from "../adapter-options";
import type { HttpClient } from "../http-client";
import { RecordError } from "../ingest.errors";
import {
  asRecord,
  elementSymbol,
  formulaOfSpecies,
  fractionalFromCartesian,
  matrix3,
  optionalNumber,
  optionalString,
  PropertyList,
  reducedFormula,
  vectorList,
  type RawRecord,
} from "../record-fields";
import type { Cursor, SourceAdapter, SourcePage } from "../source-adapter";

/**
 * Any OPTIMADE v1 provider: `GET <base>/v1/structures?filter=…&page_limit=…`,
 * following `links.next` (a URL or `{href}`) until it is null. The base URL is the
 * provider's OPTIMADE root (e.g. `https://aiida.materialscloud.org/optimade-sample/optimade`,
 * `http://oqmd.org/optimade`); `--filter` is an OPTIMADE filter string
 * (`elements HAS ALL "Si","O" AND nelements=2`).
 *
 * Entries go under the OPTIMADE source with ids `<provider prefix>:<database path>:<id>`,
 * so databases of one provider stay apart. A structure is kept only when it is
 * periodic in three dimensions and every site is one element at full occupancy.
 * Provider-specific properties of OQMD (`_oqmd_*`) and MP (`_mp_*`) map to keys;
 * lengths Å, energies eV/atom, gaps eV.
 */
const PATH = "v1/structures";
const PROVIDER_PROPERTIES: ReadonlyArray<[string, PropertyKey, string]> = [
  ["_oqmd_delta_e", PropertyKey.FORMATION_ENERGY_PER_ATOM, "eV/atom"],
  ["_oqmd_stability", PropertyKey.ENERGY_ABOVE_HULL, "eV/atom"],
  ["_oqmd_band_gap", PropertyKey.BAND_GAP, "eV"],
  ["_mp_formation_energy_per_atom", PropertyKey.FORMATION_ENERGY_PER_ATOM, "eV/atom"],
  ["_mp_energy_above_hull", PropertyKey.ENERGY_ABOVE_HULL, "eV/atom"],
  ["_mp_e_above_hull", PropertyKey.ENERGY_ABOVE_HULL, "eV/atom"],
  ["_mp_band_gap", PropertyKey.BAND_GAP, "eV"],
];

export class OptimadeAdapter implements SourceAdapter {
  readonly source = Source.OPTIMADE;
  readonly kind: string;
  readonly target: string;
  readonly isFullListing: boolean;
  private readonly client: HttpClient;
  private readonly database: string;

  constructor(private readonly options: AdapterOptions = {}) {
    if (!options.baseUrl && !options.file) {
      throw new RecordError("OPTIMADE needs --base-url (the provider's OPTIMADE root) or --file");
    }
    const baseUrl = options.baseUrl ?? "http://localhost";
    this.client = httpClientFor(baseUrl, { concurrency: 2, requestsPerSecond: 4 }, options);
    this.database = options.file
      ? dumpName(options.file)
      : new URL(baseUrl).pathname.replace(/^\/+|\/+$/g, "").replace(/\/?optimade$/, "");
    this.kind = options.file ? "dump" : "api";
    this.target = options.file
      ? dumpName(options.file)
      : `${this.client.resolve(PATH)}${options.filter ? `?filter=${options.filter}` : ""}`;
    this.isFullListing = !options.filter;
  }

  async *pages(from: Cursor | null, signal?: AbortSignal): AsyncGenerator<SourcePage> {
    if (this.options.file) {
      for await (const page of dumpPages(
        this.options.file,
        this.client,
        from,
        this.options.pageSize ?? DUMP_PAGE_SIZE,
        undefined,
        signal,
      )) {
        yield { ...page, context: { prefix: "file", database: this.database } };
      }
      return;
    }
    let url: string | null =
      typeof from === "string"
        ? from
        : `${PATH}?${new URLSearchParams({
            ...(this.options.filter ? { filter: this.options.filter } : {}),
            page_limit: String(this.options.pageSize ?? 100),
          }).toString()}`;
    while (url) {
      const body = asRecord(await this.client.getJson(url, undefined, signal), "OPTIMADE response");
      const data = body["data"];
      const records = Array.isArray(data) ? data : data ? [data] : [];
      const links = (body["links"] ?? {}) as RawRecord;
      const meta = (body["meta"] ?? {}) as RawRecord;
      const nextRaw = links["next"];
      const next =
        records.length === 0
          ? null
          : typeof nextRaw === "string"
            ? nextRaw
            : typeof (nextRaw as RawRecord | null)?.["href"] === "string"
              ? ((nextRaw as RawRecord)["href"] as string)
              : null;
      const provider = (meta["provider"] ?? {}) as RawRecord;
      const prefix =
        typeof provider["prefix"] === "string" ? provider["prefix"] : new URL(this.client.resolve("")).hostname;
      const total = meta["data_returned"] ?? meta["data_available"];
      yield {
        records,
        next,
        context: { prefix, database: this.database },
        ...(typeof total === "number" ? { total } : {}),
      };
      url = next;
    }
  }

  idOf(raw: unknown): string | undefined {
    const id = (raw as RawRecord | null)?.["id"];
    return typeof id === "string" || typeof id === "number" ? String(id) : undefined;
  }

  withdrawScope(page: SourcePage | undefined): string {
    return page?.context ? idPrefix(page.context) : "\u0000never";
  }

  normalise(raw: unknown, page: SourcePage): CanonicalEntry {
    const r = asRecord(raw);
    const id = String(r["id"] ?? "");
    if (!id) throw new RecordError("field id is missing");
    const a = asRecord(r["attributes"], "attributes");

    const structure = optimadeStructure(a);
    const formulaText = optionalString(a, "chemical_formula_reduced");
    const formula = formulaText
      ? reducedFormula(formulaText)
      : structure
        ? formulaOfSpecies(structure.species)
        : undefined;
    if (!formula) throw new RecordError("neither chemical_formula_reduced nor a structure is given");

    const properties = new PropertyList();
    for (const [field, key, unit] of PROVIDER_PROPERTIES) properties.add(key, optionalNumber(a, field), unit);
    const context = page.context ?? { prefix: "optimade", database: "" };
    return {
      source: Source.OPTIMADE,
      sourceId: `${idPrefix(context)}${id}`,
      formula,
      ...(structure ? { structure, volumeAngstrom3: volumeOf(structure.lattice) } : {}),
      raw: r,
      ...(typeof r["links"] === "object" && r["links"] !== null && typeof (r["links"] as RawRecord)["self"] === "string"
        ? { sourceUrl: (r["links"] as RawRecord)["self"] as string }
        : {}),
      properties: properties.items,
    };
  }
}

function idPrefix(context: Readonly<Record<string, string>>): string {
  return context["database"] ? `${context["prefix"]}:${context["database"]}:` : `${context["prefix"]}:`;
}

function volumeOf(lattice: readonly (readonly number[])[]): number {
  const [a, b, c] = lattice as [number[], number[], number[]];
  return Math.abs(
    a[0]! * (b[1]! * c[2]! - b[2]! * c[1]!) -
      a[1]! * (b[0]! * c[2]! - b[2]! * c[0]!) +
      a[2]! * (b[0]! * c[1]! - b[1]! * c[0]!),
  );
}

function optimadeStructure(a: RawRecord): CanonicalEntry["structure"] {
  const dims = a["dimension_types"];
  const periodic3d =
    a["nperiodic_dimensions"] === 3 || (Array.isArray(dims) && dims.length === 3 && dims.every((d) => d === 1));
  if (!periodic3d || a["lattice_vectors"] == null || a["cartesian_site_positions"] == null) return undefined;
  const lattice = matrix3(a["lattice_vectors"], "lattice_vectors");
  const cartesian = vectorList(a["cartesian_site_positions"], "cartesian_site_positions");
  const names = a["species_at_sites"];
  if (!Array.isArray(names) || names.length !== cartesian.length) {
    throw new RecordError("species_at_sites: expected one name per site");
  }
  const symbolOf = new Map<string, string | undefined>();
  const speciesList = a["species"];
  if (Array.isArray(speciesList)) {
    for (const s of speciesList) {
      const sp = asRecord(s, "species[]");
      const symbols = sp["chemical_symbols"];
      const concentration = sp["concentration"];
      const ordered =
        Array.isArray(symbols) && symbols.length === 1 && Array.isArray(concentration) && concentration[0] === 1;
      symbolOf.set(String(sp["name"]), ordered ? String(symbols[0]) : undefined);
    }
  }
  const species: string[] = [];
  for (const [i, name] of names.entries()) {
    const symbol = symbolOf.has(String(name)) ? symbolOf.get(String(name)) : String(name);
    if (symbol === undefined) return undefined; // disordered or vacancy site: composition level only
    species.push(elementSymbol(symbol, `species_at_sites[${i}]`));
  }
  return { lattice, fracCoords: fractionalFromCartesian(lattice, cartesian), species };
}
