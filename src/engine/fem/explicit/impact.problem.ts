import { FemModelError } from "../fem.errors";
import { boxMesh } from "../mesh/structured.mesh";
import type { Mesh } from "../mesh/mesh.types";
import { solveExplicit } from "./explicit.solver";
import type {
  ExplicitOptions,
  ExplicitResult,
  FailureCriterion,
  HourglassControl,
  PrescribedVelocity,
} from "./explicit.types";
import { explicitMaterial, type ExplicitMaterialInput } from "./j2-plasticity.material";

/**
 * Low-velocity impact of a rigid striker on a plate (drop-weight test): a Hex8 plate in the x-y
 * plane, thickness along z, edges clamped (or free), struck at the centre of its top face by a
 * rigid sphere or flat-ended cylinder moving along −z. SI units.
 *
 * With `symmetry: "quarter"` only the quarter x ≥ L/2, y ≥ W/2 is meshed (cell counts halved
 * in x and y), with symmetry planes through the impact point and a quarter of the striker mass;
 * forces and energies in the summary are scaled back to the whole plate.
 *
 * Summary: peak contact force; peak von Mises stress; absorbed energy = impact energy minus the
 * striker's kinetic energy when it first separates from the plate (rebound), or at the end of
 * the run if it never does (perforation, or still in contact) — what a drop-weight test
 * measures; fracture strain = largest principal strain of the first element to fail, when the
 * failure criterion erodes one.
 */
export interface PlateImpactSpec {
  readonly plate: { readonly lengthM: number; readonly widthM: number; readonly thicknessM: number };
  /** Cells of the whole plate along x, y, z. */
  readonly cells: readonly [number, number, number];
  readonly material: ExplicitMaterialInput;
  readonly failure?: FailureCriterion;
  readonly striker: {
    readonly shape: "sphere" | "flat";
    readonly radiusM: number;
    readonly massKg: number;
    readonly speedMPerS: number;
    readonly penaltyScale?: number;
  };
  readonly edges?: "clamped" | "free";
  readonly symmetry?: "none" | "quarter";
  readonly hourglass?: HourglassControl;
  readonly durationS: number;
}

export interface PlateImpactSummary {
  readonly peakForceN: number;
  readonly peakStressPa: number;
  readonly absorbedEnergyJ: number;
  /** null when no element failed. */
  readonly fractureStrain: number | null;
  /** Largest principal strain seen (sampled at the history rows and at failures). */
  readonly peakStrain: number;
  /** Eroded elements of the meshed model (a quarter of the plate with symmetry). */
  readonly erodedElements: number;
  /** Along the impact direction at the end of the run; negative = rebounding. */
  readonly finalStrikerVelocityMPerS: number;
  readonly plasticWorkJ: number;
  readonly erodedEnergyJ: number;
  /** |E_total(end) − E_total(0)| / E_total(0) of the whole model (kinetic + internal + eroded + contact − external work). */
  readonly energyBalanceError: number;
}

export interface PlateImpactResult {
  readonly mesh: Mesh;
  readonly result: ExplicitResult;
  /** Whole-plate factor applied to forces and energies (4 for a quarter model). */
  readonly scale: number;
  readonly summary: PlateImpactSummary;
}

export function solvePlateImpact(
  spec: PlateImpactSpec,
  options: Omit<ExplicitOptions, "durationS"> = {},
): PlateImpactResult {
  const { lengthM: L, widthM: W, thicknessM: H } = spec.plate;
  for (const [name, value] of [
    ["plate length", L],
    ["plate width", W],
    ["plate thickness", H],
    ["striker radius", spec.striker.radiusM],
    ["striker mass", spec.striker.massKg],
    ["striker speed", spec.striker.speedMPerS],
  ] as const)
    if (!(Number.isFinite(value) && value > 0))
      throw new FemModelError(`${name} must be a positive number, got ${value}`);
  const [nx, ny, nz] = spec.cells;
  const quarter = (spec.symmetry ?? "none") === "quarter";
  if (quarter && (nx % 2 !== 0 || ny % 2 !== 0))
    throw new FemModelError(`a quarter model needs even cell counts in x and y, got ${nx}x${ny}`);
  const scale = quarter ? 4 : 1;
  const mesh = quarter
    ? boxMesh({
        lengthM: L / 2,
        widthM: W / 2,
        heightM: H,
        nx: nx / 2,
        ny: ny / 2,
        nz,
        shape: "hex8",
        origin: [L / 2, W / 2, 0],
      })
    : boxMesh({ lengthM: L, widthM: W, heightM: H, nx, ny, nz, shape: "hex8" });
  const prescribed: PrescribedVelocity[] = [];
  if ((spec.edges ?? "clamped") === "clamped") {
    const edgeSets = quarter ? ["xmax", "ymax"] : ["xmin", "xmax", "ymin", "ymax"];
    for (const set of edgeSets)
      for (const component of ["x", "y", "z"] as const) prescribed.push({ nodes: set, component, velocityMPerS: 0 });
  }
  if (quarter) {
    prescribed.push({ nodes: "xmin", component: "x", velocityMPerS: 0 });
    prescribed.push({ nodes: "ymin", component: "y", velocityMPerS: 0 });
  }
  const R = spec.striker.radiusM;
  const contactZ = spec.striker.shape === "sphere" ? H + R : H;
  const speed = spec.striker.speedMPerS;
  const result = solveExplicit(
    {
      mesh,
      material: explicitMaterial(spec.material),
      failure: spec.failure,
      hourglass: spec.hourglass,
      prescribed,
      striker: {
        shape: spec.striker.shape,
        radiusM: R,
        massKg: spec.striker.massKg / scale,
        positionM: [L / 2, W / 2, contactZ],
        velocityMPerS: [0, 0, -speed],
        penaltyScale: spec.striker.penaltyScale,
      },
    },
    { ...options, durationS: spec.durationS },
  );
  const h = result.history;
  const last = h.timeS.length - 1;
  const total = (i: number): number =>
    (h.kineticEnergyJ[i] as number) +
    (h.internalEnergyJ[i] as number) +
    (h.erodedEnergyJ[i] as number) +
    (h.contactEnergyJ[i] as number) -
    (h.externalWorkJ[i] as number);
  const finalSpeed = result.striker ? -(result.striker.velocityMPerS[2] as number) : 0;
  // Striker speed when it first leaves the plate (rebound); the end of the run if it never does.
  let separationSpeed = finalSpeed;
  let touched = false;
  for (let i = 0; i < h.timeS.length; i++) {
    if ((h.contactForceN[i] as number) > 0) touched = true;
    else if (touched) {
      separationSpeed = h.strikerVelocityMPerS[i] as number;
      break;
    }
  }
  const summary: PlateImpactSummary = {
    peakForceN: scale * result.peak.contactForceN,
    peakStressPa: result.peak.vonMisesPa,
    absorbedEnergyJ: 0.5 * spec.striker.massKg * (speed * speed - separationSpeed * separationSpeed),
    fractureStrain: result.firstFailure ? result.firstFailure.maxPrincipalStrain : null,
    peakStrain: result.peak.maxPrincipalStrain,
    erodedElements: h.erodedElements[last] as number,
    finalStrikerVelocityMPerS: finalSpeed,
    plasticWorkJ: scale * (h.plasticWorkJ[last] as number),
    erodedEnergyJ: scale * (h.erodedEnergyJ[last] as number),
    energyBalanceError: Math.abs(total(last) - total(0)) / total(0),
  };
  return { mesh, result, scale, summary };
}
