/**
 * Conventional cells of common prototypes, lattice constant a in Å.
 * fcc (A1, 4 atoms), bcc (A2, 2), hcp (A3, 2; c/a ideal √(8/3) unless given),
 * diamond (A4, 8), B1 rock salt (8), B2 CsCl (2).
 */
import type { CrystalStructure } from "./crystal";
import { InvalidSystemError, UnknownNameError } from "../core/errors";

export interface PrototypeParams {
  readonly a: number;
  /** c/a for hcp. */
  readonly covera?: number;
  /** One species for elemental prototypes, two for B1/B2 (cation first). */
  readonly species: readonly string[];
}

type PrototypeBuilder = (p: PrototypeParams) => CrystalStructure;

function cubic(a: number): number[][] {
  return [
    [a, 0, 0],
    [0, a, 0],
    [0, 0, a],
  ];
}

function one(p: PrototypeParams): string {
  const s = p.species[0];
  if (!s) throw new InvalidSystemError("a species is required");
  return s;
}

function two(p: PrototypeParams): [string, string] {
  const [a, b] = p.species;
  if (!a || !b) throw new InvalidSystemError("two species are required for a binary prototype");
  return [a, b];
}

const FCC = [
  [0, 0, 0],
  [0.5, 0.5, 0],
  [0.5, 0, 0.5],
  [0, 0.5, 0.5],
];

export const PROTOTYPES: Readonly<Record<string, PrototypeBuilder>> = {
  fcc: (p) => ({ lattice: cubic(p.a), fractional: FCC, species: FCC.map(() => one(p)) }),
  bcc: (p) => ({
    lattice: cubic(p.a),
    fractional: [
      [0, 0, 0],
      [0.5, 0.5, 0.5],
    ],
    species: [one(p), one(p)],
  }),
  hcp: (p) => {
    const c = (p.covera ?? Math.sqrt(8 / 3)) * p.a;
    return {
      lattice: [
        [p.a, 0, 0],
        [-p.a / 2, (p.a * Math.sqrt(3)) / 2, 0],
        [0, 0, c],
      ],
      fractional: [
        [1 / 3, 2 / 3, 0.25],
        [2 / 3, 1 / 3, 0.75],
      ],
      species: [one(p), one(p)],
    };
  },
  diamond: (p) => {
    const frac = [...FCC, ...FCC.map((f) => f.map((x) => x + 0.25))];
    return { lattice: cubic(p.a), fractional: frac, species: frac.map(() => one(p)) };
  },
  b1: (p) => {
    const [a, b] = two(p);
    const shifted = FCC.map((f) => [(f[0]! + 0.5) % 1, f[1]!, f[2]!]);
    return {
      lattice: cubic(p.a),
      fractional: [...FCC, ...shifted],
      species: [...FCC.map(() => a), ...FCC.map(() => b)],
    };
  },
  b2: (p) => {
    const [a, b] = two(p);
    return {
      lattice: cubic(p.a),
      fractional: [
        [0, 0, 0],
        [0.5, 0.5, 0.5],
      ],
      species: [a, b],
    };
  },
};

export const PROTOTYPE_NAMES = Object.keys(PROTOTYPES);

export function prototypeCell(name: string, params: PrototypeParams): CrystalStructure {
  const builder = PROTOTYPES[name.toLowerCase()];
  if (!builder) throw new UnknownNameError("lattice", name, PROTOTYPE_NAMES);
  if (!(params.a > 0)) throw new InvalidSystemError("lattice constant must be positive");
  return builder(params);
}
