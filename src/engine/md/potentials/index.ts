/**
 * Potential families by LAMMPS style name, and a registry of loaded potentials that
 * answers "which potentials cover these elements?". Asking for an element nobody
 * covers is an UncoveredElementError, never a silent fallback.
 */
import { UncoveredElementError, UnknownNameError } from "../core/errors";
import { EamPotential } from "./eam.potential";
import type { Potential } from "./potential";

export type PotentialFileFactory = (contents: string, name: string) => Potential;

/** style → factory from file contents. */
export const POTENTIAL_FILE_FORMATS: Readonly<Record<string, PotentialFileFactory>> = {
  eam: (c, name) => EamPotential.fromFuncfl(c, name),
  "eam/alloy": (c, name) => EamPotential.fromSetfl(c, name),
  "eam/fs": (c, name) => EamPotential.fromFinnisSinclair(c, name),
};

/** Style implied by a file name: *.eam → eam, *.eam.alloy / *.setfl → eam/alloy, *.eam.fs → eam/fs. */
export function styleForFileName(fileName: string): string {
  const lower = fileName.toLowerCase();
  if (lower.endsWith(".eam.fs")) return "eam/fs";
  if (lower.endsWith(".eam.alloy") || lower.endsWith(".setfl")) return "eam/alloy";
  if (lower.endsWith(".eam")) return "eam";
  throw new UnknownNameError("potential file type", fileName, ["*.eam", "*.eam.alloy", "*.eam.fs"]);
}

export function loadPotential(contents: string, fileName: string, style = styleForFileName(fileName)): Potential {
  const factory = POTENTIAL_FILE_FORMATS[style];
  if (!factory) throw new UnknownNameError("potential style", style, Object.keys(POTENTIAL_FILE_FORMATS));
  return factory(contents, fileName);
}

export class PotentialRegistry {
  private readonly byName = new Map<string, Potential>();

  register(potential: Potential): this {
    this.byName.set(potential.name, potential);
    return this;
  }

  get(name: string): Potential {
    const p = this.byName.get(name);
    if (!p) throw new UnknownNameError("potential", name, [...this.byName.keys()]);
    return p;
  }

  list(): Potential[] {
    return [...this.byName.values()];
  }

  /** Element → names of potentials that cover it. */
  coverage(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const p of this.byName.values()) for (const e of p.elements) out.set(e, [...(out.get(e) ?? []), p.name]);
    return out;
  }

  /** Potentials covering every given element; throws naming the first uncovered element. */
  covering(elements: readonly string[]): Potential[] {
    const all = this.list();
    for (const e of elements) {
      if (!all.some((p) => p.elements.includes(e))) {
        const covered = [...new Set(all.flatMap((p) => [...p.elements]))].sort();
        throw new UncoveredElementError(e, covered, "registry");
      }
    }
    return all.filter((p) => elements.every((e) => p.elements.includes(e)));
  }

  /** The first potential covering all elements. */
  forElements(elements: readonly string[]): Potential {
    const found = this.covering(elements);
    if (found.length === 0) {
      throw new UncoveredElementError(elements.join("-"), [], "registry (no single potential covers this combination)");
    }
    return found[0]!;
  }
}

export { EamPotential } from "./eam.potential";
export { LjCutPotential, ljSingle, type LjOptions, type LjPairParams } from "./lj-cut.potential";
export { ForceResult, type ComputeFlags, type ForceField, type Potential } from "./potential";
