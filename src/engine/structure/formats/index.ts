import { type Crystal } from "../crystal";
import { parseCif, writeCif } from "./cif";
import { parseExtxyz, writeExtxyz } from "./extxyz";
import { parsePoscar, writePoscar } from "./poscar";

export * from "./cif";
export * from "./extxyz";
export * from "./poscar";

/**
 * Structure file formats by name. Every reader takes the file's text and returns all
 * crystals in it (POSCAR holds exactly one); every writer takes one crystal and returns
 * the file's text.
 */
export interface StructureFormat {
  parse(text: string): Crystal[];
  write(crystal: Crystal, options?: { title?: string }): string;
  extension: string;
  mediaType: string;
}

export const STRUCTURE_FORMATS = {
  cif: {
    parse: (text) => parseCif(text),
    write: (crystal, options) => writeCif(crystal, { title: options?.title }),
    extension: ".cif",
    mediaType: "chemical/x-cif",
  },
  poscar: {
    parse: (text) => [parsePoscar(text)],
    write: (crystal, options) => writePoscar(crystal, { comment: options?.title }),
    extension: ".vasp",
    mediaType: "chemical/x-vasp-poscar",
  },
  extxyz: {
    parse: (text) => parseExtxyz(text),
    write: (crystal) => writeExtxyz([crystal]),
    extension: ".extxyz",
    mediaType: "chemical/x-extxyz",
  },
} as const satisfies Record<string, StructureFormat>;

export type StructureFormatName = keyof typeof STRUCTURE_FORMATS;

export function isStructureFormatName(name: string): name is StructureFormatName {
  return Object.prototype.hasOwnProperty.call(STRUCTURE_FORMATS, name);
}
