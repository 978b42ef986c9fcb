/**
 * Typed errors of the crystal-structure engine. Each carries a fixed `code` so callers
 * (ingest adapters, export, CLI) can branch on the failure without parsing messages.
 */

/** A malformed structure file (CIF, POSCAR, extended XYZ); `line` is 1-based, 0 when the
 * problem is not tied to one line (e.g. a missing tag). */
export class StructureFormatError extends Error {
  readonly code = "STRUCTURE_FORMAT";
  constructor(
    readonly format: string,
    readonly line: number,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(line > 0 ? `invalid ${format} at line ${line}: ${reason}` : `invalid ${format}: ${reason}`, options);
    this.name = "StructureFormatError";
  }
}

/** A structure that cannot be computed with: singular lattice, mismatched array lengths,
 * unknown species, non-finite numbers. */
export class InvalidCrystalError extends Error {
  readonly code = "INVALID_CRYSTAL";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidCrystalError";
  }
}
