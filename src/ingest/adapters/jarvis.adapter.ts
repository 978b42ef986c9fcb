import { PropertyKey } from "../../domain/property-key";
import { Source } from "../../domain/source";
import type { CanonicalEntry, DraftEntry } from "../../services/canonical-entry";
import { type AdapterOptions, DUMP_PAGE_SIZE, dumpName, dumpPages, httpClientFor, isUrl } from "../adapter-options";
import type { HttpClient } from "../http-client";
import { RecordError } from "../ingest.errors";
import {
  asRecord,
  cellVolume,
  formulaOfSpecies,
  fractionalFromCartesian,
  matrix3,
  optionalInteger,
  optionalNumber,
  optionalObject,
  optionalString,
  PropertyList,
  reducedFormula,
  requiredString,
  structureOf,
  vectorList,
} from "../record-fields";
import type { Cursor, SourceAdapter, SourcePage } from "../source-adapter";

/**
 * JARVIS-DFT: the published `dft_3d` / `dft_2d` JSON dumps (a JSON list of records;
 * plain, gzipped or zipped as figshare serves them), from a local path or a URL,
 * streamed record by record. The dump's file name is the release.
 *
 * Units as JARVIS reports them: energies eV/atom, band gaps eV, moduli GPa, exfoliation
 * energy meV/atom, density g/cm³, lattice Å. Missing values are the string "na".
 * `bulk_modulus_kv` and `shear_modulus_gv` are Voigt averages, not VRH: they are kept
 * under the VRH keys with method "Voigt" so that no one mistakes them for Hill values.
 * `magmom_oszicar` is the cell's total moment (μB) and is divided by the atom count.
 */
export const JARVIS_DFT_3D_URL = "https://figshare.com/ndownloader/files/40357663";

export class JarvisAdapter implements SourceAdapter {
  readonly source = Source.JARVIS;
  readonly kind = "dump";
  readonly target: string;
  readonly isFullListing: boolean;
  private readonly client: HttpClient | undefined;
  private readonly file: string;

  constructor(private readonly options: AdapterOptions = {}) {
    // --base-url names a mirror host for the default dump's path; --file names the dump itself.
    this.file =
      options.file ??
      (options.baseUrl ? new URL(new URL(JARVIS_DFT_3D_URL).pathname, options.baseUrl).toString() : JARVIS_DFT_3D_URL);
    this.client = isUrl(this.file)
      ? httpClientFor(new URL(this.file).origin, { concurrency: 1, timeoutMs: 600_000 }, options)
      : undefined;
    this.target = isUrl(this.file) ? this.file : dumpName(this.file);
    this.isFullListing = !options.filter;
  }

  pages(from: Cursor | null, signal?: AbortSignal): AsyncIterable<SourcePage> {
    return dumpPages(
      this.file,
      this.client,
      from,
      this.options.pageSize ?? DUMP_PAGE_SIZE,
      dumpName(this.file),
      signal,
    );
  }

  idOf(raw: unknown): string | undefined {
    const id = (raw as Record<string, unknown> | null)?.["jid"];
    return typeof id === "string" ? id : undefined;
  }

  withdrawScope(): string {
    return "";
  }

  normalise(raw: unknown, page?: SourcePage): CanonicalEntry {
    const r = asRecord(raw);
    const jid = requiredString(r, "jid");
    const atoms = optionalObject(r, "atoms");
    let structure: CanonicalEntry["structure"];
    if (atoms) {
      const lattice = matrix3(atoms["lattice_mat"], "atoms.lattice_mat");
      const coords = vectorList(atoms["coords"], "atoms.coords");
      const elements = atoms["elements"];
      if (!Array.isArray(elements)) throw new RecordError("atoms.elements: expected a list");
      const cartesian = atoms["cartesian"] === true;
      structure = structureOf(
        lattice,
        cartesian ? fractionalFromCartesian(lattice, coords) : coords,
        elements,
        "atoms",
      );
    }
    const formulaText = optionalString(r, "formula");
    const formula = formulaText
      ? reducedFormula(formulaText)
      : structure
        ? formulaOfSpecies(structure.species)
        : undefined;
    if (!formula) throw new RecordError("neither formula nor atoms is given");
    const nat = optionalInteger(r, "nat") ?? structure?.species.length;
    const magmom = optionalNumber(r, "magmom_oszicar");
    const density = optionalNumber(r, "density");
    const volume = structure ? cellVolume(structure.lattice) : undefined;
    const spgNumber = optionalInteger(r, "spg_number");
    if (spgNumber !== undefined && (spgNumber < 1 || spgNumber > 230)) {
      throw new RecordError(`field spg_number: ${spgNumber} is not a space group number`);
    }
    const spgSymbol = optionalString(r, "spg_symbol");
    const functional = optionalString(r, "func") ?? "OptB88vdW";

    const properties = new PropertyList()
      .add(PropertyKey.FORMATION_ENERGY_PER_ATOM, optionalNumber(r, "formation_energy_peratom"), "eV/atom")
      .add(PropertyKey.TOTAL_ENERGY_PER_ATOM, optionalNumber(r, "optb88vdw_total_energy"), "eV/atom")
      .add(PropertyKey.ENERGY_ABOVE_HULL, optionalNumber(r, "ehull"), "eV/atom")
      .add(PropertyKey.BAND_GAP, optionalNumber(r, "optb88vdw_bandgap"), "eV", { method: "OptB88vdW" })
      .add(PropertyKey.BAND_GAP, optionalNumber(r, "mbj_bandgap"), "eV", { method: "TBmBJ" })
      .add(PropertyKey.BAND_GAP, optionalNumber(r, "hse_gap"), "eV", { method: "HSE06" })
      .add(PropertyKey.BULK_MODULUS_VRH, optionalNumber(r, "bulk_modulus_kv"), "GPa", { method: "Voigt" })
      .add(PropertyKey.SHEAR_MODULUS_VRH, optionalNumber(r, "shear_modulus_gv"), "GPa", { method: "Voigt" })
      .add(PropertyKey.POISSON_RATIO, optionalNumber(r, "poisson"), "")
      .add(PropertyKey.EXFOLIATION_ENERGY, optionalNumber(r, "exfoliation_energy"), "meV/atom")
      .add(PropertyKey.DENSITY, density, "g/cm^3")
      .add(PropertyKey.MAGNETIC_MOMENT, magmom !== undefined && nat ? magmom / nat : undefined, "μB/atom")
      .add(PropertyKey.VOLUME_PER_ATOM, volume !== undefined && nat ? volume / nat : undefined, "Å^3/atom").items;

    // Optional fields are set one by one: a spread of a one-field object per field allocated that object for every record.
    const entry: DraftEntry = {
      source: Source.JARVIS,
      sourceId: jid,
      formula,
      method: "DFT",
      functional,
      raw: r,
      sourceUrl: `https://www.ctcms.nist.gov/~knc6/jsmol/${jid}.html`,
      properties,
    };
    if (spgNumber !== undefined) entry.spacegroupNumber = spgNumber;
    if (spgSymbol) entry.spacegroupSymbol = spgSymbol;
    if (structure) entry.structure = structure;
    if (volume !== undefined) entry.volumeAngstrom3 = volume;
    if (density !== undefined) entry.densityGPerCm3 = density;
    if (page?.release) entry.release = page.release;
    return entry;
  }
}
