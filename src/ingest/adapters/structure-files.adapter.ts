import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Source } from "../../domain/source";
import { InvalidInputError } from "../../errors";
import { type Crystal, densityGcm3 } from "../../engine/structure/crystal";
import { STRUCTURE_FORMATS, type StructureFormatName } from "../../engine/structure/formats";
import type { CanonicalEntry } from "../../services/canonical-entry";
import { RecordError } from "../ingest.errors";
import { asRecord, cellVolume, formulaOfSpecies, matrix3, structureOf } from "../record-fields";
import type { Cursor, SourceAdapter, SourcePage } from "../source-adapter";

/**
 * Structure files (CIF, VASP POSCAR/CONTCAR, extended XYZ) as entries of source USER:
 * one entry per crystal (a CIF data block, an XYZ frame), its structure as read and its
 * material from the composition of its sites; no properties. Files are read with the
 * engine's parsers (the ones export round-trips through), one page per file.
 *
 * A file's id is `<folder>/<file name>` (as for CSV imports), with `#n` after it when
 * the file holds several crystals: re-ingesting a file finds the same entries, and an
 * edited file updates them. A file that cannot be read or parsed becomes one skipped
 * record named by that id, with the parser's message (line number included); the other
 * files still land.
 *
 * The format comes from the name: `.cif`; `.vasp`, `.poscar` or a name starting with
 * POSCAR or CONTCAR; `.xyz` or `.extxyz`.
 */
export interface StructureFileRecord {
  /** `<folder>/<file name>`, the id of the file's entries. */
  readonly file: string;
  readonly absolutePath: string;
  readonly format?: StructureFormatName;
  /** 0-based position of the crystal in the file, and how many the file holds. */
  readonly index?: number;
  readonly count?: number;
  readonly crystal?: Crystal;
  /** Why the file gave no crystal. */
  readonly error?: string;
}

export function structureFormatOf(file: string): StructureFormatName | undefined {
  const base = path.basename(file);
  const ext = path.extname(base).toLowerCase();
  if (ext === ".cif") return "cif";
  if (ext === ".xyz" || ext === ".extxyz") return "extxyz";
  if (ext === ".vasp" || ext === ".poscar" || /^(POSCAR|CONTCAR)/i.test(base)) return "poscar";
  return undefined;
}

export function fileLabel(file: string): string {
  const absolute = path.resolve(file);
  return path.join(path.basename(path.dirname(absolute)), path.basename(absolute));
}

export class StructureFilesAdapter implements SourceAdapter {
  readonly source = Source.USER;
  readonly kind = "file";
  readonly target: string;
  readonly isFullListing = false;
  private readonly files: readonly string[];

  constructor(files: readonly string[]) {
    if (files.length === 0) {
      throw new InvalidInputError("no structure files given (CIF, POSCAR/CONTCAR or extended XYZ)");
    }
    this.files = files;
    this.target = `files: ${files.map(fileLabel).join(", ")}`;
  }

  /** The cursor is the number of files already read. */
  async *pages(from: Cursor | null, signal?: AbortSignal): AsyncGenerator<SourcePage> {
    const start = from !== null && typeof from === "object" && typeof from["offset"] === "number" ? from["offset"] : 0;
    for (let i = start; i < this.files.length; i++) {
      if (signal?.aborted) return;
      const records = await readStructureFile(this.files[i] as string);
      yield { records, next: i + 1 < this.files.length ? { offset: i + 1 } : null };
    }
  }

  idOf(raw: unknown): string | undefined {
    const r = raw as Partial<StructureFileRecord> | null;
    return typeof r?.file === "string" ? entryId(r) : undefined;
  }

  withdrawScope(): string {
    return "";
  }

  normalise(raw: unknown): CanonicalEntry {
    asRecord(raw);
    const r = raw as StructureFileRecord; // made by pages() above
    if (r.error !== undefined || !r.crystal) throw new RecordError(r.error ?? "no structure read");
    const { crystal } = r;
    const structure = structureOf(matrix3(crystal.lattice, "lattice"), crystal.fracCoords, crystal.species, r.file);
    const volume = cellVolume(structure.lattice);
    return {
      source: Source.USER,
      sourceId: entryId(r),
      formula: formulaOfSpecies(structure.species),
      structure,
      volumeAngstrom3: volume,
      densityGPerCm3: densityGcm3(crystal),
      raw: {
        file: r.file,
        format: r.format,
        ...(r.count !== undefined && r.count > 1 ? { crystal: (r.index ?? 0) + 1 } : {}),
      },
      sourceUrl: pathToFileURL(r.absolutePath).toString(),
      properties: [],
    };
  }
}

function entryId(r: Partial<StructureFileRecord>): string {
  return r.count !== undefined && r.count > 1 ? `${r.file}#${(r.index ?? 0) + 1}` : (r.file as string);
}

/** Every crystal of one file, or one record saying why there is none. */
async function readStructureFile(file: string): Promise<StructureFileRecord[]> {
  const label = fileLabel(file);
  const absolutePath = path.resolve(file);
  const format = structureFormatOf(file);
  if (!format) {
    return [
      {
        file: label,
        absolutePath,
        error: "unknown structure format: expected .cif, POSCAR/CONTCAR (or .vasp), or .xyz/.extxyz",
      },
    ];
  }
  let crystals: Crystal[];
  try {
    crystals = STRUCTURE_FORMATS[format].parse(await readFile(file, "utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [{ file: label, absolutePath, format, error: reason }];
  }
  return crystals.map((crystal, index) => ({
    file: label,
    absolutePath,
    format,
    index,
    count: crystals.length,
    crystal,
  }));
}
