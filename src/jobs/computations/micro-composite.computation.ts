import { solveComposite, type FibreOrientation, type InclusionShape } from "../../engine/micro";
import type { Computation, ComputationOutput, RunControl } from "./computation";

/**
 * A particle or fibre composite homogenised on a periodic voxel RVE. Its effective
 * properties describe a component made of two materials, not a material of the store, so
 * nothing is stored as a property: the job's result holds them, in SI units, for an
 * impact job to take (`materialFromJobId`) — the mesoscale → continuum link.
 *
 * The density is the volume average of the phases' densities (exact for any geometry), at
 * the fraction the RVE realises; null unless both phases give one.
 */
export interface CompositePhase {
  readonly youngsModulusPa: number;
  readonly poissonRatio: number;
  readonly densityKgM3: number | null;
}

export interface CompositeJobInput {
  readonly matrix: CompositePhase;
  readonly inclusion: CompositePhase;
  readonly volumeFraction: number;
  readonly shape: InclusionShape;
  readonly aspectRatio: number;
  readonly orientation: FibreOrientation;
  readonly voxels: number;
  readonly seed: number;
}

function run(raw: Record<string, unknown>, control: RunControl): ComputationOutput {
  const input = raw as unknown as CompositeJobInput;
  const r = solveComposite({
    matrixYoungsModulusPa: input.matrix.youngsModulusPa,
    matrixPoissonRatio: input.matrix.poissonRatio,
    inclusionYoungsModulusPa: input.inclusion.youngsModulusPa,
    inclusionPoissonRatio: input.inclusion.poissonRatio,
    volumeFraction: input.volumeFraction,
    shape: input.shape,
    aspectRatio: input.aspectRatio,
    orientation: input.orientation,
    voxels: input.voxels,
    seed: input.seed,
    onProgress: (e) => control.onProgress?.(0.05 + 0.9 * (e.fraction ?? 0), e.stage),
  });
  const f = r.volumeFraction;
  const rhoM = input.matrix.densityKgM3;
  const rhoI = input.inclusion.densityKgM3;
  const e = r.effective;
  const hs = r.hashinShtrikman;
  return {
    summary: {
      youngsModulusPa: e.youngsModulusPa,
      poissonRatio: e.poissonRatio,
      bulkModulusPa: e.bulkHillPa,
      shearModulusPa: e.shearHillPa,
      densityKgM3: rhoM != null && rhoI != null ? (1 - f) * rhoM + f * rhoI : null,
      volumeFraction: f,
      inclusions: r.microstructure.inclusionCount,
      hashinShtrikman: {
        bulkLowerPa: hs.bulkLowerPa,
        bulkUpperPa: hs.bulkUpperPa,
        shearLowerPa: hs.shearLowerPa,
        shearUpperPa: hs.shearUpperPa,
      },
      moriTanaka: r.moriTanaka
        ? { bulkModulusPa: r.moriTanaka.bulkModulusPa, shearModulusPa: r.moriTanaka.shearModulusPa }
        : null,
      effectiveStiffnessGPa: Array.from({ length: 6 }, (_, i) =>
        Array.from(r.stiffnessPa.subarray(6 * i, 6 * i + 6), (c) => c / 1e9),
      ),
      iterations: [...r.iterations],
      dofs: r.dofs,
    },
    properties: [],
    provenance: { engine: "src/engine/micro solveComposite", asymmetry: r.asymmetry },
  };
}

export const microCompositeComputation: Computation = { kind: "micro.composite", run };
