import { PropertyKey } from "../../domain/property-key";
import { Source } from "../../domain/source";
import type { CanonicalEntry } from "../../services/canonical-entry";
import { type AdapterOptions, DUMP_PAGE_SIZE, dumpName, dumpPages, httpClientFor } from "../adapter-options";
import type { HttpClient } from "../http-client";
import { RecordError } from "../ingest.errors";
import {
  asRecord,
  elementSymbol,
  latticeFromGeometry,
  optionalInteger,
  optionalNumber,
  optionalNumberList,
  optionalString,
  PropertyList,
  reducedFormula,
  requiredString,
  structureOf,
  vectorList,
  type RawRecord,
} from "../record-fields";
import type { Cursor, SourceAdapter, SourcePage } from "../source-adapter";

/**
 * AFLOW through AFLUX, `GET /API/aflux/?<matchbook>,$paging(n,size),$format(json)`,
 * page n = 1, 2, … until a short or empty page. `--filter` is an AFLUX matchbook
 * fragment (e.g. `Egap(6*),species(Si)`); the keywords below are always selected.
 * With `entryDetails`, a record without its structure is completed from the AFLOWLIB
 * entry endpoint (`/AFLOWDATA/<aurl path>/?format=json`).
 *
 * Old AFLUX responses are objects keyed "i of N" with numbers as strings, newer ones
 * plain lists: both read. Units as AFLOW reports them: Egap eV, energies eV/atom,
 * AEL moduli GPa, AGL thermal conductivity W/m/K and thermal expansion 1/K (both at
 * 300 K), Debye temperature K, density g/cm³, geometry Å and degrees.
 */
export const AFLOW_BASE_URL = "http://aflow.org";
const AFLUX_PATH = "API/aflux/";
const KEYWORDS = [
  "auid",
  "aurl",
  "compound",
  "species",
  "composition",
  "Egap",
  "enthalpy_formation_atom",
  "energy_atom",
  "ael_bulk_modulus_vrh",
  "ael_shear_modulus_vrh",
  "ael_poisson_ratio",
  "ael_elastic_anisotropy",
  "agl_thermal_conductivity_300K",
  "agl_debye",
  "agl_thermal_expansion_300K",
  "geometry",
  "positions_fractional",
  "spacegroup_relax",
  "sg2",
  "density",
  "volume_cell",
  "volume_atom",
  "dft_type",
  "aflowlib_version",
];

export class AflowAdapter implements SourceAdapter {
  readonly source = Source.AFLOW;
  readonly kind: string;
  readonly target: string;
  readonly isFullListing: boolean;
  private readonly client: HttpClient;
  private readonly pageSize: number;

  constructor(private readonly options: AdapterOptions = {}) {
    this.client = httpClientFor(options.baseUrl ?? AFLOW_BASE_URL, { concurrency: 2, requestsPerSecond: 2 }, options);
    this.pageSize = options.pageSize ?? (options.file ? DUMP_PAGE_SIZE : 1000);
    this.kind = options.file ? "dump" : "api";
    this.target = options.file ? dumpName(options.file) : `${this.client.resolve(AFLUX_PATH)}?${options.filter ?? ""}`;
    this.isFullListing = !options.filter;
  }

  async *pages(from: Cursor | null, signal?: AbortSignal): AsyncGenerator<SourcePage> {
    if (this.options.file) {
      yield* dumpPages(this.options.file, this.client, from, this.pageSize, undefined, signal);
      return;
    }
    let page = from !== null && typeof from === "object" && typeof from["page"] === "number" ? from["page"] : 1;
    for (;;) {
      const matchbook = [this.options.filter, ...KEYWORDS, `$paging(${page},${this.pageSize})`, "$format(json)"]
        .filter(Boolean)
        .join(",");
      const body = await this.client.getJson(`${AFLUX_PATH}?${matchbook}`, undefined, signal);
      const { records, total } = afluxRecords(body);
      const completed = this.options.entryDetails
        ? await Promise.all(records.map((r) => this.withDetails(r, signal)))
        : records;
      const done = records.length < this.pageSize || (total !== undefined && page * this.pageSize >= total);
      page += 1;
      yield { records: completed, next: done ? null : { page }, ...(total !== undefined ? { total } : {}) };
      if (done) return;
    }
  }

  /** The AFLOWLIB entry document of a record whose AFLUX answer lacks the structure. */
  private async withDetails(raw: unknown, signal?: AbortSignal): Promise<unknown> {
    const r = raw as RawRecord | null;
    const aurl = typeof r?.["aurl"] === "string" ? r["aurl"] : undefined;
    if (!r || !aurl || (r["geometry"] != null && r["positions_fractional"] != null)) return raw;
    const entryPath = aurl.replace(/^[^:]+:/, "").replace(/\/+$/, "");
    const full = asRecord(await this.client.getJson(`${entryPath}/?format=json`, undefined, signal), "aflowlib entry");
    return { ...full, ...r };
  }

  idOf(raw: unknown): string | undefined {
    const id = (raw as RawRecord | null)?.["auid"];
    return typeof id === "string" ? id : undefined;
  }

  withdrawScope(): string {
    return "";
  }

  normalise(raw: unknown): CanonicalEntry {
    const r = asRecord(raw);
    const auid = requiredString(r, "auid");
    const compound = requiredString(r, "compound");
    const formula = reducedFormula(compound, "compound");

    let structure: CanonicalEntry["structure"];
    const geometry = optionalNumberList(r, "geometry");
    if (geometry && r["positions_fractional"] != null) {
      const lattice = latticeFromGeometry(geometry, "geometry");
      const positions = vectorList(r["positions_fractional"], "positions_fractional");
      structure = structureOf(lattice, positions, sitesSpecies(r, positions.length), "positions_fractional");
    }

    const sg = optionalInteger(r, "spacegroup_relax");
    const volumeCell = optionalNumber(r, "volume_cell");
    const density = optionalNumber(r, "density");
    const dftType = r["dft_type"];
    const functional = (Array.isArray(dftType) ? dftType[0] : dftType) === "PAW_PBE" ? "PBE" : undefined;
    const release = optionalString(r, "aflowlib_version");
    const aurl = optionalString(r, "aurl");

    const properties = new PropertyList()
      .add(PropertyKey.BAND_GAP, optionalNumber(r, "Egap"), "eV")
      .add(PropertyKey.FORMATION_ENERGY_PER_ATOM, optionalNumber(r, "enthalpy_formation_atom"), "eV/atom")
      .add(PropertyKey.TOTAL_ENERGY_PER_ATOM, optionalNumber(r, "energy_atom"), "eV/atom")
      .add(PropertyKey.BULK_MODULUS_VRH, optionalNumber(r, "ael_bulk_modulus_vrh"), "GPa", { method: "AEL" })
      .add(PropertyKey.SHEAR_MODULUS_VRH, optionalNumber(r, "ael_shear_modulus_vrh"), "GPa", { method: "AEL" })
      .add(PropertyKey.POISSON_RATIO, optionalNumber(r, "ael_poisson_ratio"), "", { method: "AEL" })
      .add(PropertyKey.ELASTIC_ANISOTROPY, optionalNumber(r, "ael_elastic_anisotropy"), "", { method: "AEL" })
      .add(PropertyKey.THERMAL_CONDUCTIVITY, optionalNumber(r, "agl_thermal_conductivity_300K"), "W/m/K", {
        method: "AGL",
        temperatureK: 300,
      })
      .add(PropertyKey.DEBYE_TEMPERATURE, optionalNumber(r, "agl_debye"), "K", { method: "AGL" })
      .add(PropertyKey.THERMAL_EXPANSION, optionalNumber(r, "agl_thermal_expansion_300K"), "1/K", {
        method: "AGL",
        temperatureK: 300,
      })
      .add(PropertyKey.DENSITY, density, "g/cm^3")
      .add(PropertyKey.VOLUME_PER_ATOM, optionalNumber(r, "volume_atom"), "Å^3/atom").items;

    return {
      source: Source.AFLOW,
      sourceId: auid,
      formula,
      method: "DFT",
      ...(functional ? { functional } : {}),
      ...(sg !== undefined && sg >= 1 && sg <= 230 ? { spacegroupNumber: sg } : {}),
      ...(spacegroupSymbol(r) ? { spacegroupSymbol: spacegroupSymbol(r) } : {}),
      ...(structure ? { structure } : {}),
      ...(volumeCell !== undefined ? { volumeAngstrom3: volumeCell } : {}),
      ...(density !== undefined ? { densityGPerCm3: density } : {}),
      ...(release ? { release: `aflowlib ${release}` } : {}),
      raw: r,
      ...(aurl ? { sourceUrl: `http://${aurl.replace(":", "/")}` } : {}),
      properties,
    };
  }
}

/** AFLUX old format: `{"1 of 912": {...}, …}`; new format: a list. */
function afluxRecords(body: unknown): { records: unknown[]; total?: number } {
  if (Array.isArray(body)) return { records: body };
  const keyed = asRecord(body, "AFLUX response");
  let total: number | undefined;
  const records = Object.entries(keyed).map(([key, value]) => {
    const m = /^\s*\d+\s+of\s+(\d+)\s*$/.exec(key);
    if (!m) throw new RecordError(`AFLUX response key "${key}" is not "i of N"`);
    total = Number(m[1]);
    return value;
  });
  return { records, ...(total !== undefined ? { total } : {}) };
}

/** Species per site, in the order of the positions: `species` with `composition` counts. */
function sitesSpecies(r: RawRecord, nsites: number): string[] {
  const speciesRaw = r["species"];
  const species = (typeof speciesRaw === "string" ? speciesRaw.split(",") : speciesRaw) as unknown;
  if (!Array.isArray(species)) throw new RecordError("field species: expected a list");
  const counts = optionalNumberList(r, "composition");
  if (!counts || counts.length !== species.length) {
    throw new RecordError("field composition: expected one count per species");
  }
  const sites: string[] = [];
  species.forEach((s, i) => {
    const symbol = elementSymbol(s, `species[${i}]`);
    for (let k = 0; k < (counts[i] as number); k += 1) sites.push(symbol);
  });
  if (sites.length !== nsites) throw new RecordError(`composition counts ${sites.length} sites, positions ${nsites}`);
  return sites;
}

/** "P6_{3}/m #176" (sg2, relaxed setting last) as "P6_3/m". */
function spacegroupSymbol(r: RawRecord): string | undefined {
  const sg2 = r["sg2"];
  const text = Array.isArray(sg2) ? sg2[sg2.length - 1] : typeof sg2 === "string" ? sg2.split(",").pop() : undefined;
  if (typeof text !== "string") return undefined;
  const symbol = text
    .replace(/#\s*\d+\s*$/, "")
    .replace(/[{}]/g, "")
    .trim();
  return symbol || undefined;
}
