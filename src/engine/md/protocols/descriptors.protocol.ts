/**
 * Atomistic descriptors for the ML features, from one relaxed 0 K crystal:
 *   bond energy (eV/bond) = cohesive energy per atom / (Z/2), Z the first-shell
 *     coordination number (each bond shared by two atoms);
 *   mean coordination number within 1.2 × the nearest-neighbour distance;
 *   stress-tensor invariants (GPa) of the relaxed cell and of a 1 % uniaxial strain
 *     (I1, I2, I3, J2, von Mises), which probe the potential's anharmonic response.
 */
import type { RunControl } from "../core/run-control";
import { EV_PER_A3_TO_GPA } from "../core/units";
import { coordinationNumbers, stressInvariants } from "../computes/structure.compute";
import type { Potential } from "../potentials/potential";
import { crystalFromSpec, relaxCrystal, type CrystalSpec } from "./crystal.protocol";
import { provenance, type Provenance } from "./provenance";
import { NeighborList } from "../neighbor/neighbor-list";

export interface DescriptorResult {
  readonly cohesiveEnergyEvPerAtom: number;
  readonly nearestNeighborA: number;
  readonly coordinationNumber: number;
  readonly bondEnergyEv: number;
  readonly volumePerAtomA3: number;
  readonly stressInvariantsRelaxedGPa: ReturnType<typeof stressInvariants>;
  readonly stressInvariantsStrainedGPa: ReturnType<typeof stressInvariants>;
  readonly provenance: Provenance;
}

export function atomisticDescriptors(
  spec: CrystalSpec,
  potential: Potential,
  control: RunControl = {},
): DescriptorResult {
  const relaxed = relaxCrystal(crystalFromSpec(spec, potential), potential, control);
  const sim = relaxed.simulation;
  const sys = sim.system;
  const nl = new NeighborList(6, 0);
  nl.build(sys);
  let dmin = Infinity;
  for (let i = 0; i < sys.n; i++)
    for (let q = nl.start[i]!; q < nl.start[i + 1]!; q++) {
      const k = nl.list[q]!;
      dmin = Math.min(
        dmin,
        Math.hypot(
          nl.extPos[3 * i]! - nl.extPos[3 * k]!,
          nl.extPos[3 * i + 1]! - nl.extPos[3 * k + 1]!,
          nl.extPos[3 * i + 2]! - nl.extPos[3 * k + 2]!,
        ),
      );
    }
  const cn = coordinationNumbers(sys, 1.2 * dmin);
  const z = cn.reduce((s, c) => s + c, 0) / sys.n;
  const stress = (): number[] => {
    const r = sim.computeForces({ energy: true, virial: true });
    const w = r.virial;
    return [0, 1, 2, 3, 4, 5].map((k) => (-w[k]! / sys.box.volume) * EV_PER_A3_TO_GPA);
  };
  const relaxedStress = stress();
  const h = Float64Array.from(sys.box.h);
  const strained = Array.from(h);
  for (let r = 0; r < 3; r++) strained[3 * r] = strained[3 * r]! * 1.01;
  sys.deformTo(strained);
  const strainedStress = stress();
  sys.deformTo(h);
  return {
    cohesiveEnergyEvPerAtom: relaxed.energyPerAtomEv,
    nearestNeighborA: dmin,
    coordinationNumber: z,
    bondEnergyEv: relaxed.energyPerAtomEv / (z / 2),
    volumePerAtomA3: sys.box.volume / sys.n,
    stressInvariantsRelaxedGPa: stressInvariants(relaxedStress),
    stressInvariantsStrainedGPa: stressInvariants(strainedStress),
    provenance: provenance("descriptors-0K", potential, { ...spec, structure: spec.structure ? "given" : undefined }),
  };
}
