import type { CancellationToken, ProgressEvent } from "../fem/solvers/pcg.solver";
import { cubicPolycrystalAverages, type CubicAverages } from "./analytic.bounds";
import { isotropicProjection, type IsotropicModuli } from "./isotropic-projection";
import { microstructureDescriptors, type MicrostructureDescriptors } from "./microstructure.descriptors";
import { homogenise } from "./periodic-voxel.homogeniser";
import { cubicStiffnessPa, rotateStiffness } from "./stiffness-tensor";
import { voronoiPolycrystal, type Polycrystal, type VoronoiSpec } from "./voronoi.generator";
import { MicroModelError } from "./micro.errors";

/**
 * Effective elasticity of a cubic polycrystal: Voronoi grains on a voxel grid, each grain the
 * cubic crystal (C11, C12, C44 in Pa) rotated to its orientation, homogenised by periodic
 * voxel FEM. Returns the effective 6×6 (Pa), its isotropic projection (Hill: `bulkModulusPa`,
 * `shearModulusPa`), the random-aggregate Voigt/Reuss/Hill shear averages and the
 * microstructure descriptors (lengths in m, from `voxelSizeM`).
 *
 * The Voigt and Reuss shear averages are orientation invariants (G_V of each rotated C and
 * G_R of each rotated S are the same for every grain), so G_R ≤ G_eff ≤ G_V holds for any
 * texture, while K_eff = (C11 + 2C12)/3 exactly because a cubic crystal under hydrostatic
 * strain carries hydrostatic stress: the uniform field is already in equilibrium.
 */
export interface PolycrystalSpec extends VoronoiSpec {
  readonly c11Pa: number;
  readonly c12Pa: number;
  readonly c44Pa: number;
  readonly voxelSizeM?: number;
  readonly tolerance?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly signal?: CancellationToken;
}

export interface PolycrystalResult {
  readonly microstructure: Polycrystal;
  readonly stiffnessPa: Float64Array;
  readonly effective: IsotropicModuli;
  readonly bulkModulusPa: number;
  readonly shearModulusPa: number;
  readonly averages: CubicAverages;
  readonly descriptors: MicrostructureDescriptors;
  readonly iterations: readonly number[];
  readonly asymmetry: number;
  readonly dofs: number;
}

export function solvePolycrystal(spec: PolycrystalSpec): PolycrystalResult {
  const crystal = cubicStiffnessPa(spec.c11Pa, spec.c12Pa, spec.c44Pa);
  const voxelSizeM = spec.voxelSizeM ?? 1e-6;
  if (!(voxelSizeM > 0)) throw new MicroModelError(`voxel size must be a positive length in m, got ${voxelSizeM}`);
  const micro = voronoiPolycrystal(spec);
  const h = homogenise(
    {
      dims: micro.dims,
      materialOf: micro.labels,
      stiffnessPa: micro.orientations.map((R) => rotateStiffness(crystal, R)),
    },
    {
      ...(spec.tolerance !== undefined ? { tolerance: spec.tolerance } : {}),
      ...(spec.onProgress ? { onProgress: spec.onProgress } : {}),
      ...(spec.signal ? { signal: spec.signal } : {}),
    },
  );
  const effective = isotropicProjection(h.stiffnessPa);
  return {
    microstructure: micro,
    stiffnessPa: h.stiffnessPa,
    effective,
    bulkModulusPa: effective.bulkHillPa,
    shearModulusPa: effective.shearHillPa,
    averages: cubicPolycrystalAverages(spec.c11Pa, spec.c12Pa, spec.c44Pa),
    descriptors: microstructureDescriptors(micro, voxelSizeM, micro.orientations),
    iterations: h.iterations,
    asymmetry: h.asymmetry,
    dofs: h.dofs,
  };
}
