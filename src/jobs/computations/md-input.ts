import { readFileSync } from "node:fs";
import path from "node:path";
import { loadPotential, type Potential } from "../../engine/md/potentials";
import type { CrystalSpec } from "../../engine/md/protocols/crystal.protocol";

/** The MD part of a job input, as the simulation service prepared it. */
export interface MdJobInput {
  readonly potentialFile: string;
  readonly potentialPath: string;
  readonly potentialSha256: string;
  readonly element: string;
  readonly lattice: string;
  readonly a0: number | null;
  readonly repeat: [number, number, number];
  readonly temperatureK: number | null;
  readonly steps: number | null;
  readonly seed: number;
}

export function mdInputOf(raw: Record<string, unknown>): MdJobInput {
  return raw as unknown as MdJobInput;
}

/** Method label of MD results: the family and the potential file, e.g. MD-EAM:Cu_u3.eam. */
export function mdMethod(input: MdJobInput): string {
  const family = /\.eam/i.test(input.potentialFile) ? "EAM" : "LJ";
  return `MD-${family}:${path.basename(input.potentialFile)}`;
}

/** The potential (read from the file the service checked) and the crystal to simulate. */
export function setUpMd(raw: Record<string, unknown>): { input: MdJobInput; potential: Potential; spec: CrystalSpec } {
  const input = mdInputOf(raw);
  const potential = loadPotential(readFileSync(input.potentialPath, "utf8"), input.potentialFile);
  const spec: CrystalSpec = {
    lattice: input.lattice,
    species: [input.element],
    repeat: input.repeat,
    ...(input.a0 ? { a0: input.a0 } : {}),
  };
  return { input, potential, spec };
}
