import type { Crystal } from "../engine/structure/crystal";
import { STRUCTURE_FORMATS, type StructureFormatName } from "../engine/structure/formats";
import type { EntryRecord } from "./records";

/** An entry's stored structure as a Crystal (lattice rows in Å, fractional coordinates), or null without one. */
export function crystalOfEntry(entry: Pick<EntryRecord, "lattice" | "fracCoords" | "species">): Crystal | null {
  const { lattice, fracCoords, species } = entry;
  if (!lattice || lattice.length !== 9 || !fracCoords || !species || fracCoords.length !== 3 * species.length)
    return null;
  return {
    lattice: [lattice.slice(0, 3), lattice.slice(3, 6), lattice.slice(6, 9)],
    species: [...species],
    fracCoords: species.map((_, i) => fracCoords.slice(3 * i, 3 * i + 3)),
  };
}

/** The entry's structure written in a file format, titled with its source and id so the file says where it came from. */
export function structureFile(
  entry: Pick<EntryRecord, "lattice" | "fracCoords" | "species" | "source" | "sourceId">,
  format: StructureFormatName,
): string | null {
  const crystal = crystalOfEntry(entry);
  if (!crystal) return null;
  return STRUCTURE_FORMATS[format].write(crystal, { title: `${entry.source} ${entry.sourceId} (MatGraph)` });
}
