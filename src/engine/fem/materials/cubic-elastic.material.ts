import { FemModelError } from "../fem.errors";
import type { ElasticMaterial } from "./elastic.types";

/**
 * Cubic anisotropic elasticity from C11, C12, C44 (Pa) in the crystal frame, rotated to
 * the global frame: C'_ijkl = R_ia R_jb R_kc R_ld C_abcd, where the rows of R are the
 * crystal components of the global x, y, z axes. Directional Young's modulus (Nye,
 * "Physical Properties of Crystals"): 1/E(n) = S11 − 2(S11 − S12 − S44/2)(n1²n2² + n2²n3² + n3²n1²).
 * Stability requires C44 > 0, C11 > |C12|, C11 + 2 C12 > 0.
 */
export interface CubicInput {
  readonly c11Pa: number;
  readonly c12Pa: number;
  readonly c44Pa: number;
  /** Crystal directions of the global x and y axes (Miller indices, any length); default identity. */
  readonly orientation?: {
    readonly x: readonly [number, number, number];
    readonly y: readonly [number, number, number];
  };
  readonly thermalExpansionPerK?: number;
  readonly densityKgM3?: number;
}

export interface CubicElastic extends ElasticMaterial {
  readonly kind: "cubic";
  readonly rotation: Float64Array;
}

// prettier-ignore
const VOIGT: ReadonlyArray<readonly [number, number]> = [[0, 0], [1, 1], [2, 2], [1, 2], [0, 2], [0, 1]];
const voigtIndex = (i: number, j: number): number => (i === j ? i : 6 - i - j);

export function rotationFromMiller(x: readonly number[], y: readonly number[]): Float64Array {
  const nx = Math.hypot(...x);
  const ny = Math.hypot(...y);
  if (!(nx > 0 && ny > 0)) throw new FemModelError("orientation directions must be non-zero");
  const ex = x.map((v) => v / nx);
  const ey = y.map((v) => v / ny);
  const dot = ex[0]! * ey[0]! + ex[1]! * ey[1]! + ex[2]! * ey[2]!;
  if (Math.abs(dot) > 1e-9)
    throw new FemModelError(`orientation x and y must be perpendicular (cos = ${dot.toFixed(6)})`);
  const ez = [ex[1]! * ey[2]! - ex[2]! * ey[1]!, ex[2]! * ey[0]! - ex[0]! * ey[2]!, ex[0]! * ey[1]! - ex[1]! * ey[0]!];
  return Float64Array.from([...ex, ...ey, ...ez]);
}

export function cubicElastic(input: CubicInput): CubicElastic {
  const { c11Pa: c11, c12Pa: c12, c44Pa: c44 } = input;
  if (!(c44 > 0 && c11 > Math.abs(c12) && c11 + 2 * c12 > 0))
    throw new FemModelError(`cubic constants are not positive definite: C11=${c11}, C12=${c12}, C44=${c44}`);
  const R = input.orientation
    ? rotationFromMiller(input.orientation.x, input.orientation.y)
    : Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  const crystal = (i: number, j: number, k: number, l: number): number => {
    const I = voigtIndex(i, j);
    const J = voigtIndex(k, l);
    if (I < 3 && J < 3) return I === J ? c11 : c12;
    return I === J ? c44 : 0;
  };
  const D = new Float64Array(36);
  for (let P = 0; P < 6; P++)
    for (let Q = 0; Q < 6; Q++) {
      const [i, j] = VOIGT[P] as readonly [number, number];
      const [k, l] = VOIGT[Q] as readonly [number, number];
      let sum = 0;
      for (let a = 0; a < 3; a++)
        for (let b = 0; b < 3; b++) {
          const rab = (R[3 * i + a] as number) * (R[3 * j + b] as number);
          if (rab === 0) continue;
          for (let c = 0; c < 3; c++)
            for (let d = 0; d < 3; d++) {
              const cv = crystal(a, b, c, d);
              if (cv !== 0) sum += rab * (R[3 * k + c] as number) * (R[3 * l + d] as number) * cv;
            }
        }
      D[6 * P + Q] = sum;
    }
  return {
    kind: "cubic",
    stiffnessPa: D,
    rotation: R,
    thermalExpansionPerK: input.thermalExpansionPerK ?? 0,
    densityKgM3: input.densityKgM3 ?? 0,
  };
}

/** Young's modulus (Pa) of a cubic crystal along crystal direction n. */
export function cubicYoungsModulusPa(
  c11: number,
  c12: number,
  c44: number,
  n: readonly [number, number, number],
): number {
  const s11 = (c11 + c12) / ((c11 - c12) * (c11 + 2 * c12));
  const s12 = -c12 / ((c11 - c12) * (c11 + 2 * c12));
  const s44 = 1 / c44;
  const len = Math.hypot(...n);
  const [l, m, k] = n.map((v) => v / len) as [number, number, number];
  const gamma = l * l * m * m + m * m * k * k + k * k * l * l;
  return 1 / (s11 - 2 * (s11 - s12 - s44 / 2) * gamma);
}
