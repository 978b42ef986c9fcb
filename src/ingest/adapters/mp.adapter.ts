import { PropertyKey } from "../../domain/property-key";
import { Source } from "../../domain/source";
import type { CanonicalEntry } from "../../services/canonical-entry";
import {
  type AdapterOptions,
  DUMP_PAGE_SIZE,
  dumpName,
  dumpPages,
  firstPageSize,
  httpClientFor,
  queryParams,
} from "../adapter-options";
import type { HttpClient } from "../http-client";
import { RecordError } from "../ingest.errors";
import {
  asRecord,
  elementSymbol,
  formulaOfSpecies,
  matrix3,
  optionalInteger,
  optionalNumber,
  optionalObject,
  optionalString,
  PropertyList,
  reducedFormula,
  toNumber,
  type RawRecord,
} from "../record-fields";
import type { Cursor, SourceAdapter, SourcePage } from "../source-adapter";

/**
 * Materials Project next-gen API, `GET /materials/summary/` with `_fields`, paged by
 * `_skip`/`_limit` until a short page or `meta.total_doc`. `--filter` is a query
 * string of the API's own parameters (`elements=Si,O&band_gap_min=1&is_stable=true`).
 * The key goes in the X-API-KEY header and nowhere else.
 *
 * Units as MP reports them: energies eV/atom, band gap eV, moduli GPa (`{voigt, reuss,
 * vrh}` dicts, or flat `k_vrh`/`g_vrh` in older builds), density g/cm³, volume Å³ per
 * cell, total_magnetization μB per cell (divided by nsites here). The legacy
 * `materials` document shape (task_id, pretty_formula, elasticity.K_VRH, nested
 * band_gap.search_gap) normalises too, so old dumps ingest with `--file`.
 */
export const MP_BASE_URL = "https://api.materialsproject.org";
const PATH = "materials/summary/";
const FIELDS = [
  "material_id",
  "formula_pretty",
  "structure",
  "symmetry",
  "nsites",
  "volume",
  "density",
  "formation_energy_per_atom",
  "energy_above_hull",
  "is_stable",
  "band_gap",
  "bulk_modulus",
  "shear_modulus",
  "total_magnetization",
  "theoretical",
].join(",");

export class MaterialsProjectAdapter implements SourceAdapter {
  readonly source = Source.MP;
  readonly kind: string;
  readonly target: string;
  readonly isFullListing: boolean;
  private readonly client: HttpClient;
  private readonly pageSize: number;

  constructor(private readonly options: AdapterOptions = {}) {
    const baseUrl = options.baseUrl ?? MP_BASE_URL;
    this.client = httpClientFor(
      baseUrl,
      { concurrency: 2, requestsPerSecond: 5 },
      options,
      options.apiKey ? { "X-API-KEY": options.apiKey } : undefined,
    );
    this.pageSize = options.pageSize ?? (options.file ? DUMP_PAGE_SIZE : 500);
    this.kind = options.file ? "dump" : "api";
    this.target = options.file
      ? dumpName(options.file)
      : `${this.client.resolve(PATH)}${options.filter ? `?${options.filter}` : ""}`;
    this.isFullListing = !options.filter;
  }

  async *pages(from: Cursor | null, signal?: AbortSignal): AsyncGenerator<SourcePage> {
    if (this.options.file) {
      yield* dumpPages(this.options.file, this.client, from, this.pageSize, undefined, signal);
      return;
    }
    let skip = from !== null && typeof from === "object" && typeof from["skip"] === "number" ? from["skip"] : 0;
    // A fresh listing starts with a short page (FIRST_PAGE_SIZE), the rest at full size.
    let limit = from === null ? firstPageSize(this.pageSize) : this.pageSize;
    for (;;) {
      const body = asRecord(
        await this.client.getJson(
          PATH,
          { ...queryParams(this.options.filter), _fields: FIELDS, _skip: skip, _limit: limit },
          signal,
        ),
        "MP response",
      );
      if (!Array.isArray(body["data"])) throw new RecordError("MP response has no data list");
      const records = body["data"] as unknown[];
      const meta = (body["meta"] ?? {}) as RawRecord;
      const total = typeof meta["total_doc"] === "number" ? meta["total_doc"] : undefined;
      skip += records.length;
      const done = records.length === 0 || records.length < limit || (total !== undefined && skip >= total);
      limit = this.pageSize;
      // MP states its database release as meta.db_version where the deployment reports it.
      const release = typeof meta["db_version"] === "string" ? meta["db_version"] : undefined;
      yield {
        records,
        next: done ? null : { skip },
        ...(release ? { release } : {}),
        ...(total !== undefined ? { total } : {}),
      };
      if (done) return;
    }
  }

  idOf(raw: unknown): string | undefined {
    const r = raw as RawRecord | null;
    const id = r?.["material_id"] ?? r?.["task_id"];
    return typeof id === "string" ? id : undefined;
  }

  withdrawScope(): string {
    return "";
  }

  normalise(raw: unknown): CanonicalEntry {
    const r = asRecord(raw);
    const id = optionalString(r, "material_id") ?? optionalString(r, "task_id");
    if (!id) throw new RecordError("field material_id is missing");
    const structureDoc = optionalObject(r, "structure");
    const structure = structureDoc ? pymatgenStructure(structureDoc) : undefined;
    const formulaText = optionalString(r, "formula_pretty") ?? optionalString(r, "pretty_formula");
    const formula = formulaText
      ? reducedFormula(formulaText)
      : structure
        ? formulaOfSpecies(structure.species)
        : undefined;
    if (!formula) throw new RecordError("neither formula_pretty nor structure is given");

    const symmetry = optionalObject(r, "symmetry") ?? optionalObject(r, "spacegroup");
    const sgNumber = symmetry ? optionalInteger(symmetry, "number") : undefined;
    const sgSymbol = symmetry ? optionalString(symmetry, "symbol") : undefined;
    const nsites = optionalInteger(r, "nsites") ?? structure?.species.length;
    const volume = optionalNumber(r, "volume") ?? (structureDoc ? latticeVolume(structureDoc) : undefined);
    const density = optionalNumber(r, "density");
    const magnetisation =
      optionalNumber(r, "total_magnetization") ??
      (optionalObject(r, "magnetism")
        ? optionalNumber(optionalObject(r, "magnetism")!, "total_magnetization")
        : undefined);

    // band_gap is a number in the summary and {search_gap: {band_gap}} in legacy documents.
    const bandGapField = r["band_gap"];
    const bandGap =
      typeof bandGapField === "object" && bandGapField !== null && !Array.isArray(bandGapField)
        ? optionalNumber(asRecord((bandGapField as RawRecord)["search_gap"] ?? {}, "band_gap.search_gap"), "band_gap")
        : optionalNumber(r, "band_gap");
    const elasticity = optionalObject(r, "elasticity");
    const bulk = modulus(r, "bulk_modulus", "k_vrh") ?? (elasticity ? optionalNumber(elasticity, "K_VRH") : undefined);
    const shear =
      modulus(r, "shear_modulus", "g_vrh") ?? (elasticity ? optionalNumber(elasticity, "G_VRH") : undefined);
    const poisson = elasticity ? optionalNumber(elasticity, "poisson_ratio") : undefined;
    const anisotropy = elasticity ? optionalNumber(elasticity, "universal_anisotropy") : undefined;

    const properties = new PropertyList()
      .add(PropertyKey.FORMATION_ENERGY_PER_ATOM, optionalNumber(r, "formation_energy_per_atom"), "eV/atom")
      .add(
        PropertyKey.ENERGY_ABOVE_HULL,
        optionalNumber(r, "energy_above_hull") ?? optionalNumber(r, "e_above_hull"),
        "eV/atom",
      )
      .add(PropertyKey.BAND_GAP, bandGap, "eV")
      .add(PropertyKey.BULK_MODULUS_VRH, bulk, "GPa", { method: "VRH" })
      .add(PropertyKey.SHEAR_MODULUS_VRH, shear, "GPa", { method: "VRH" })
      .add(PropertyKey.POISSON_RATIO, poisson, "")
      .add(PropertyKey.ELASTIC_ANISOTROPY, anisotropy, "")
      .add(PropertyKey.DENSITY, density, "g/cm^3")
      .add(PropertyKey.VOLUME_PER_ATOM, volume !== undefined && nsites ? volume / nsites : undefined, "Å^3/atom")
      .add(
        PropertyKey.MAGNETIC_MOMENT,
        magnetisation !== undefined && nsites ? magnetisation / nsites : undefined,
        "μB/atom",
      ).items;

    return {
      source: Source.MP,
      sourceId: id,
      formula,
      method: "DFT",
      functional: "GGA/GGA+U",
      ...(sgNumber !== undefined && sgNumber >= 1 && sgNumber <= 230 ? { spacegroupNumber: sgNumber } : {}),
      ...(sgSymbol ? { spacegroupSymbol: sgSymbol } : {}),
      ...(structure ? { structure } : {}),
      ...(volume !== undefined ? { volumeAngstrom3: volume } : {}),
      ...(density !== undefined ? { densityGPerCm3: density } : {}),
      raw: r,
      sourceUrl: `https://next-gen.materialsproject.org/materials/${id}`,
      properties,
    };
  }
}

/** `{voigt, reuss, vrh}` (current summary) or a flat `k_vrh`/`g_vrh` (older builds); GPa. */
function modulus(r: RawRecord, field: string, flat: string): number | undefined {
  const value = r[field];
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return optionalNumber(value as RawRecord, "vrh");
  }
  return optionalNumber(r, field) ?? optionalNumber(r, flat);
}

function latticeVolume(structureDoc: RawRecord): number | undefined {
  const lattice = optionalObject(structureDoc, "lattice");
  return lattice ? optionalNumber(lattice, "volume") : undefined;
}

/**
 * A pymatgen Structure dict: lattice.matrix (Å), sites[].abc (fractional),
 * sites[].species[{element, occu}]. Partially occupied sites have no place in an
 * ordered structure: such an entry keeps its composition and properties, without structure.
 */
function pymatgenStructure(doc: RawRecord): CanonicalEntry["structure"] {
  const lattice = optionalObject(doc, "lattice");
  if (!lattice) throw new RecordError("structure.lattice is missing");
  const matrix = matrix3(lattice["matrix"], "structure.lattice.matrix");
  const sites = doc["sites"];
  if (!Array.isArray(sites) || sites.length === 0) throw new RecordError("structure.sites: expected a list of sites");
  const species: string[] = [];
  const fracCoords: number[][] = [];
  for (const [i, siteRaw] of sites.entries()) {
    const site = asRecord(siteRaw, `structure.sites[${i}]`);
    const occupants = site["species"];
    if (!Array.isArray(occupants) || occupants.length === 0)
      throw new RecordError(`structure.sites[${i}].species is empty`);
    if (occupants.length > 1) return undefined;
    const occupant = asRecord(occupants[0], `structure.sites[${i}].species[0]`);
    if (Math.abs(toNumber(occupant["occu"] ?? 1, `structure.sites[${i}] occupancy`) - 1) > 1e-6) return undefined;
    species.push(elementSymbol(occupant["element"], `structure.sites[${i}]`));
    const abc = site["abc"];
    if (!Array.isArray(abc) || abc.length !== 3) throw new RecordError(`structure.sites[${i}].abc: expected 3 numbers`);
    fracCoords.push(abc.map((x, k) => toNumber(x, `structure.sites[${i}].abc[${k}]`)));
  }
  return { lattice: matrix, fracCoords, species };
}
