import { solvePlateImpact } from "../../engine/fem/explicit";
import type { Computation, ComputationOutput, RunControl } from "./computation";

/**
 * Low-velocity impact of a rigid striker on a clamped plate (explicit dynamics, Hex8 with
 * hourglass control, J2 plasticity, erosion), the continuum end of the mesoscale chain when
 * the plate's material is a composite job's effective properties. Peak force, absorbed
 * energy and fracture strain belong to the component and the load, not to a material, so
 * they stay in the job's result.
 */
export interface ImpactJobInput {
  readonly material: {
    readonly youngsModulusPa: number;
    readonly poissonRatio: number;
    readonly densityKgM3: number;
    readonly yieldStressPa: number | null;
    readonly hardeningModulusPa: number;
  };
  readonly failureStrain: number | null;
  readonly plate: { readonly lengthM: number; readonly widthM: number; readonly thicknessM: number };
  readonly elements: [number, number, number];
  readonly striker: {
    readonly shape: "sphere" | "flat";
    readonly radiusM: number;
    readonly massKg: number;
    readonly speedMPerS: number;
  };
  readonly durationS: number;
}

function run(raw: Record<string, unknown>, control: RunControl): ComputationOutput {
  const input = raw as unknown as ImpactJobInput;
  const m = input.material;
  const solved = solvePlateImpact(
    {
      plate: input.plate,
      cells: input.elements,
      material: {
        youngsModulusPa: m.youngsModulusPa,
        poissonRatio: m.poissonRatio,
        densityKgM3: m.densityKgM3,
        ...(m.yieldStressPa != null
          ? { yieldStressPa: m.yieldStressPa, hardening: { kind: "linear", modulusPa: m.hardeningModulusPa } }
          : {}),
      },
      ...(input.failureStrain != null ? { failure: { kind: "principal-strain", limit: input.failureStrain } } : {}),
      striker: input.striker,
      edges: "clamped",
      // The plate and load are symmetric about both mid-planes: a quarter model gives the same answer for a quarter of the work.
      symmetry: "quarter",
      hourglass: { kind: "stiffness", coefficient: 0.05 },
      durationS: input.durationS,
    },
    { onProgress: (e) => control.onProgress?.(e.fraction ?? 0, e.stage) },
  );
  const s = solved.summary;
  return {
    summary: {
      peakForceN: s.peakForceN,
      peakStressPa: s.peakStressPa,
      absorbedEnergyJ: s.absorbedEnergyJ,
      fractureStrain: s.fractureStrain,
      peakStrain: s.peakStrain,
      erodedElements: s.erodedElements,
      plasticWorkJ: s.plasticWorkJ,
      finalStrikerVelocityMPerS: s.finalStrikerVelocityMPerS,
      energyBalanceError: s.energyBalanceError,
      steps: solved.result.steps,
      timeStepS: solved.result.initialTimeStepS,
      meshedElements: solved.mesh.elementCount,
    },
    properties: [],
    provenance: {
      engine: "src/engine/fem/explicit solvePlateImpact",
      symmetry: "quarter",
      hourglass: "stiffness 0.05",
    },
  };
}

export const femImpactComputation: Computation = { kind: "fem.impact", run };
