import type { Mesh } from "../mesh/mesh.types";
import type { CancellationToken, ProgressEvent } from "../solvers/pcg.solver";
import type { ExplicitMaterial } from "./j2-plasticity.material";

/**
 * Inputs and outputs of the explicit-dynamics solver. SI units: m, s, kg, N, Pa, J.
 * Stress is Cauchy stress, strain the integrated rate of deformation (logarithmic strain for
 * coaxial stretching); both in Voigt order [xx, yy, zz, yz, xz, xy], strain shears engineering.
 */

/**
 * Control of the zero-energy (hourglass) modes of the one-point Hex8, after Flanagan and
 * Belytschko (1981, doi:10.1002/nme.1620170504): "viscous" resists hourglass velocities,
 * "stiffness" integrates them into elastic hourglass forces. `coefficient` is the usual
 * dimensionless Q_hg (0.05–0.15 in practice).
 */
export interface HourglassControl {
  readonly kind: "viscous" | "stiffness";
  readonly coefficient: number;
}

/** Element erosion: the element is removed when the criterion reaches `limit`. */
export type FailureCriterion =
  | { readonly kind: "principal-strain"; readonly limit: number }
  | { readonly kind: "plastic-strain"; readonly limit: number };

export type Axis = "x" | "y" | "z";

/** Velocity of one component prescribed on a node set (0 = fixed); its reaction force is reported. */
export interface PrescribedVelocity {
  /** Name of a node set of the mesh, or node numbers. */
  readonly nodes: string | Int32Array;
  readonly component: Axis;
  /** m/s: a constant or a function of time (s). */
  readonly velocityMPerS: number | ((timeS: number) => number);
}

/**
 * A rigid striker pressed onto the nodes by a penalty: a sphere (contact with its surface)
 * or a flat-ended cylinder whose face is normal to z and faces −z (contact with the face disc).
 * Penalty stiffness per node = penaltyScale · m_node / Δt₀² (a stable, mass-scaled spring,
 * like LS-DYNA's soft constraint), so it never limits the time step.
 */
export interface RigidStriker {
  readonly shape: "sphere" | "flat";
  readonly radiusM: number;
  readonly massKg: number;
  /** Sphere centre, or the centre of the flat face (m). */
  readonly positionM: readonly [number, number, number];
  readonly velocityMPerS: readonly [number, number, number];
  /** Default 0.1. */
  readonly penaltyScale?: number;
}

export interface ExplicitModel {
  /** Hex8 mesh (m). */
  readonly mesh: Mesh;
  readonly material: ExplicitMaterial;
  readonly hourglass?: HourglassControl;
  readonly failure?: FailureCriterion;
  readonly prescribed?: readonly PrescribedVelocity[];
  readonly striker?: RigidStriker;
  /** Initial velocity (m/s): one vector for every node, or 3 values per node. */
  readonly initialVelocityMPerS?: readonly [number, number, number] | Float64Array;
}

export interface ExplicitOptions {
  /** Simulated time (s). */
  readonly durationS: number;
  /** Stop after this many steps even before durationS (benchmarks). */
  readonly maxSteps?: number;
  /** Fraction of the stable step (default 0.9). */
  readonly timeStepSafety?: number;
  /** Steps between history rows (default: about 200 rows over the run). */
  readonly outputEvery?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Steps between progress events (default 100). */
  readonly progressEvery?: number;
  /** An AbortSignal or any { aborted } flag; checked every step. */
  readonly signal?: CancellationToken;
}

/** Time histories, one entry per output row. Energies are totals over the model (J). */
export interface ExplicitHistory {
  readonly timeS: number[];
  /** Magnitude of the total striker contact force (N). */
  readonly contactForceN: number[];
  /** Striker displacement along its initial velocity (m). */
  readonly strikerDisplacementM: number[];
  readonly strikerVelocityMPerS: number[];
  readonly maxVonMisesPa: number[];
  /** Evaluated over all intact elements at the output rows only (it costs an eigenvalue each). */
  readonly maxPrincipalStrain: number[];
  readonly maxPlasticStrain: number[];
  readonly kineticEnergyJ: number[];
  /** Strain energy of the intact elements including plastic work and hourglass energy. */
  readonly internalEnergyJ: number[];
  readonly plasticWorkJ: number[];
  readonly hourglassEnergyJ: number[];
  /** Internal energy carried away by eroded elements. */
  readonly erodedEnergyJ: number[];
  /** Energy stored in the contact penalty springs. */
  readonly contactEnergyJ: number[];
  /** Work done on the body by the prescribed velocities. */
  readonly externalWorkJ: number[];
  readonly erodedElements: number[];
  /** Sum of the reaction forces of each prescribed-velocity entry along its component (N). */
  readonly reactionN: number[][];
}

export interface ExplicitResult {
  readonly history: ExplicitHistory;
  readonly steps: number;
  readonly timeS: number;
  readonly initialTimeStepS: number;
  readonly displacementM: Float64Array;
  readonly velocityMPerS: Float64Array;
  /** 6 per element. */
  readonly stressPa: Float64Array;
  /** 6 per element. */
  readonly strain: Float64Array;
  readonly plasticStrain: Float64Array;
  /** 1 = intact, 0 = eroded. */
  readonly alive: Uint8Array;
  readonly peak: {
    readonly contactForceN: number;
    readonly vonMisesPa: number;
    readonly maxPrincipalStrain: number;
  };
  /** The first erosion, with the principal strain of that element when it failed. */
  readonly firstFailure: {
    readonly timeS: number;
    readonly element: number;
    readonly maxPrincipalStrain: number;
  } | null;
  readonly striker: {
    readonly positionM: readonly [number, number, number];
    readonly velocityMPerS: readonly [number, number, number];
  } | null;
}
