/**
 * Crystal structures (a cell plus fractional coordinates plus species, the way the
 * database stores them; lengths in Å) and their replication into MD supercells.
 */
import { elementBySymbol } from "../../chem/elements";
import { Box } from "../core/box";
import { InvalidSystemError } from "../core/errors";
import { AtomSystem } from "../core/system";

export interface CrystalStructure {
  /** Three lattice vectors as rows, Å: [[ax,ay,az],[bx,by,bz],[cx,cy,cz]]. */
  readonly lattice: readonly (readonly number[])[];
  /** Fractional coordinates, one triple per site. */
  readonly fractional: readonly (readonly number[])[];
  /** Element symbol per site. */
  readonly species: readonly string[];
}

export interface SupercellOptions {
  /** Replications along a, b, c (default 1,1,1). */
  readonly repeat?: readonly [number, number, number];
  /** Order of types; default: species in order of first appearance. */
  readonly typeOrder?: readonly string[];
  /** Mass per species (g/mol); default standard atomic weights. */
  readonly masses?: Readonly<Record<string, number>>;
}

export function buildSupercell(crystal: CrystalStructure, options: SupercellOptions = {}): AtomSystem {
  const [na, nb, nc] = options.repeat ?? [1, 1, 1];
  if (![na, nb, nc].every((k) => Number.isInteger(k) && k >= 1)) {
    throw new InvalidSystemError("supercell repeats must be positive integers");
  }
  if (crystal.lattice.length !== 3 || crystal.lattice.some((v) => v.length !== 3)) {
    throw new InvalidSystemError("lattice must be three 3-vectors");
  }
  if (crystal.fractional.length !== crystal.species.length || crystal.species.length === 0) {
    throw new InvalidSystemError("need one species per fractional coordinate, and at least one site");
  }
  const order = options.typeOrder ? [...options.typeOrder] : [...new Set(crystal.species)];
  for (const sp of crystal.species) {
    if (!order.includes(sp)) throw new InvalidSystemError(`species ${sp} missing from typeOrder`);
  }
  const masses = order.map((sp) => options.masses?.[sp] ?? elementBySymbol(sp).atomicMassAmu);
  const L = crystal.lattice;
  const cell = [
    L[0]![0]! * na,
    L[0]![1]! * na,
    L[0]![2]! * na,
    L[1]![0]! * nb,
    L[1]![1]! * nb,
    L[1]![2]! * nb,
    L[2]![0]! * nc,
    L[2]![1]! * nc,
    L[2]![2]! * nc,
  ];
  const nsites = crystal.species.length;
  const n = nsites * na * nb * nc;
  const positions = new Float64Array(3 * n);
  const types = new Int32Array(n);
  let k = 0;
  for (let ia = 0; ia < na; ia++)
    for (let ib = 0; ib < nb; ib++)
      for (let ic = 0; ic < nc; ic++)
        for (let s = 0; s < nsites; s++) {
          const f = crystal.fractional[s]!;
          const fa = f[0]! + ia;
          const fb = f[1]! + ib;
          const fc = f[2]! + ic;
          for (let d = 0; d < 3; d++) positions[3 * k + d] = fa * L[0]![d]! + fb * L[1]![d]! + fc * L[2]![d]!;
          types[k] = order.indexOf(crystal.species[s]!);
          k++;
        }
  const system = new AtomSystem({ box: new Box(cell), positions, types, typeNames: order, typeMasses: masses });
  system.wrap();
  return system;
}
