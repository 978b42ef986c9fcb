import { PropertyKey } from "../../domain/property-key";
import { solvePolycrystal, type TextureKind } from "../../engine/micro";
import type { Computation, ComputationOutput, RunControl } from "./computation";

/**
 * The mesoscale step of the multiscale chain: single-crystal cubic constants (from a
 * database, an MD job or the request) → a Voronoi polycrystal on a periodic voxel grid →
 * its effective isotropic moduli by periodic voxel FEM. The effective bulk and shear
 * moduli describe the material (an untextured aggregate of its crystals), so they are
 * stored as its properties under SIMULATION; the microstructure descriptors stay in the
 * result (and in the stored entry's raw payload), where the MESOSCALE descriptor set reads them.
 */
export const POLYCRYSTAL_METHOD = "MESO-VOXEL-FEM";

export interface PolycrystalJobInput {
  readonly formula: string;
  readonly C11Pa: number;
  readonly C12Pa: number;
  readonly C44Pa: number;
  readonly grains: number;
  readonly voxels: number;
  readonly seed: number;
  readonly texture: TextureKind;
  readonly fibreAxis: [number, number, number] | null;
  readonly voxelSizeM: number;
}

const GPA = 1e9;

function run(raw: Record<string, unknown>, control: RunControl): ComputationOutput {
  const input = raw as unknown as PolycrystalJobInput;
  const r = solvePolycrystal({
    c11Pa: input.C11Pa,
    c12Pa: input.C12Pa,
    c44Pa: input.C44Pa,
    grains: input.grains,
    voxels: input.voxels,
    seed: input.seed,
    texture: input.texture,
    ...(input.fibreAxis ? { fibre: { crystalDirection: input.fibreAxis } } : {}),
    voxelSizeM: input.voxelSizeM,
    onProgress: (e) => control.onProgress?.(0.05 + 0.9 * (e.fraction ?? 0), e.stage),
  });
  const d = r.descriptors;
  const method = `${POLYCRYSTAL_METHOD}:voronoi`;
  return {
    summary: {
      bulkModulusGPa: r.bulkModulusPa / GPA,
      shearModulusGPa: r.shearModulusPa / GPA,
      youngsModulusGPa: r.effective.youngsModulusPa / GPA,
      poissonRatio: r.effective.poissonRatio,
      crystalBulkModulusGPa: r.averages.bulkModulusPa / GPA,
      voigtShearGPa: r.averages.shearVoigtPa / GPA,
      reussShearGPa: r.averages.shearReussPa / GPA,
      hillShearGPa: r.averages.shearHillPa / GPA,
      grains: r.microstructure.grainCount,
      effectiveStiffnessGPa: Array.from({ length: 6 }, (_, i) =>
        Array.from(r.stiffnessPa.subarray(6 * i, 6 * i + 6), (c) => c / GPA),
      ),
      descriptors: {
        grainCount: d.grainCount,
        grainSizeMeanM: d.grainSizeMeanM,
        grainSizeStdM: d.grainSizeStdM,
        meanLinearInterceptM: d.meanLinearInterceptM,
        boundaryAreaPerVolumePerM: d.boundaryAreaPerVolumePerM,
        textureIndex: d.textureIndex,
      },
      iterations: [...r.iterations],
      dofs: r.dofs,
    },
    properties: [
      { key: PropertyKey.BULK_MODULUS_VRH, value: r.bulkModulusPa / GPA, unit: "GPa", method },
      { key: PropertyKey.SHEAR_MODULUS_VRH, value: r.shearModulusPa / GPA, unit: "GPa", method },
    ],
    provenance: { engine: "src/engine/micro solvePolycrystal", asymmetry: r.asymmetry, iterations: [...r.iterations] },
  };
}

export const microPolycrystalComputation: Computation = { kind: "micro.polycrystal", run };
