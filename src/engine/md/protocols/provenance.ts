/** What every protocol result carries so it can be reproduced and attributed. */
import type { Potential } from "../potentials/potential";

export interface Provenance {
  readonly engine: "matgraph-md";
  readonly protocol: string;
  readonly potential: {
    readonly name: string;
    readonly style: string;
    readonly sha256: string | null;
    readonly elements: readonly string[];
  };
  readonly parameters: Readonly<Record<string, unknown>>;
}

export function provenance(protocol: string, potential: Potential, parameters: Record<string, unknown>): Provenance {
  return {
    engine: "matgraph-md",
    protocol,
    potential: {
      name: potential.name,
      style: potential.style,
      sha256: potential.sourceSha256 ?? null,
      elements: [...potential.elements],
    },
    parameters,
  };
}
