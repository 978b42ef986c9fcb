import { gaussian, type Rng } from "../ml/random";
import { MicroModelError } from "./micro.errors";

/**
 * Crystal orientations as row-major 3×3 rotation matrices whose COLUMNS are the crystal
 * axes [100], [010], [001] written in the sample frame (v_sample = R v_crystal).
 *
 * - random texture: uniform on SO(3) from a uniform unit quaternion (K. Shoemake, "Uniform
 *   random rotations", Graphics Gems III, 1992);
 * - fibre texture: a crystal direction ⟨uvw⟩ along a sample axis with a uniform rotation
 *   about that axis, optionally tilted by a Gaussian angle (σ = spread) about a random
 *   perpendicular axis.
 */
export type Rotation = Float64Array;

export function identityRotation(): Rotation {
  return Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
}

export function multiplyRotations(A: Rotation, B: Rotation): Rotation {
  const C = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += A[3 * i + k]! * B[3 * k + j]!;
      C[3 * i + j] = s;
    }
  return C;
}

function unit(v: readonly number[], what: string): [number, number, number] {
  const n = Math.hypot(v[0] ?? 0, v[1] ?? 0, v[2] ?? 0);
  if (v.length !== 3 || !(n > 0) || !Number.isFinite(n))
    throw new MicroModelError(`${what} must be a non-zero 3-vector, got [${v.join(", ")}]`);
  return [v[0]! / n, v[1]! / n, v[2]! / n];
}

/** Rodrigues: rotation by angleRad about a unit axis. */
export function rotationAbout(axis: readonly number[], angleRad: number): Rotation {
  const [x, y, z] = unit(axis, "rotation axis");
  const c = Math.cos(angleRad);
  const s = Math.sin(angleRad);
  const t = 1 - c;
  return Float64Array.from([
    t * x * x + c,
    t * x * y - s * z,
    t * x * z + s * y,
    t * x * y + s * z,
    t * y * y + c,
    t * y * z - s * x,
    t * x * z - s * y,
    t * y * z + s * x,
    t * z * z + c,
  ]);
}

/** The smallest rotation taking unit vector `from` onto unit vector `to`. */
export function rotationBetween(from: readonly number[], to: readonly number[]): Rotation {
  const a = unit(from, "direction");
  const b = unit(to, "direction");
  const cross = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const sin = Math.hypot(cross[0]!, cross[1]!, cross[2]!);
  const cos = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  if (sin < 1e-12) {
    if (cos > 0) return identityRotation();
    // Antiparallel: half-turn about any axis perpendicular to `a`.
    const helper = Math.abs(a[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
    const perp = [
      a[1] * helper[2]! - a[2] * helper[1]!,
      a[2] * helper[0]! - a[0] * helper[2]!,
      a[0] * helper[1]! - a[1] * helper[0]!,
    ];
    return rotationAbout(perp, Math.PI);
  }
  return rotationAbout(cross, Math.atan2(sin, cos));
}

export function randomRotation(rng: Rng): Rotation {
  const u1 = rng();
  const u2 = 2 * Math.PI * rng();
  const u3 = 2 * Math.PI * rng();
  const a = Math.sqrt(1 - u1);
  const b = Math.sqrt(u1);
  const w = a * Math.sin(u2);
  const x = a * Math.cos(u2);
  const y = b * Math.sin(u3);
  const z = b * Math.cos(u3);
  return Float64Array.from([
    1 - 2 * (y * y + z * z),
    2 * (x * y - z * w),
    2 * (x * z + y * w),
    2 * (x * y + z * w),
    1 - 2 * (x * x + z * z),
    2 * (y * z - x * w),
    2 * (x * z - y * w),
    2 * (y * z + x * w),
    1 - 2 * (x * x + y * y),
  ]);
}

export interface FibreTexture {
  /** Crystal direction ⟨uvw⟩ that lies along the fibre axis; default [0, 0, 1]. */
  readonly crystalDirection?: readonly [number, number, number];
  /** Sample direction of the fibre axis; default [0, 0, 1] (z). */
  readonly sampleAxis?: readonly [number, number, number];
  /** Standard deviation of the tilt away from the ideal fibre, degrees; default 0 (sharp fibre). */
  readonly spreadDeg?: number;
}

export function fibreRotation(rng: Rng, texture: FibreTexture = {}): Rotation {
  const axis = unit(texture.sampleAxis ?? [0, 0, 1], "fibre sample axis");
  const spreadDeg = texture.spreadDeg ?? 0;
  if (!(spreadDeg >= 0 && spreadDeg <= 180))
    throw new MicroModelError(`fibre spread must lie in [0, 180] degrees, got ${spreadDeg}`);
  const align = rotationBetween(texture.crystalDirection ?? [0, 0, 1], axis);
  let R = multiplyRotations(rotationAbout(axis, 2 * Math.PI * rng()), align);
  if (spreadDeg > 0) {
    const helper = Math.abs(axis[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
    const perp0 = [
      axis[1] * helper[2]! - axis[2] * helper[1]!,
      axis[2] * helper[0]! - axis[0] * helper[2]!,
      axis[0] * helper[1]! - axis[1] * helper[0]!,
    ];
    const tiltAxis = multiplyVector(rotationAbout(axis, 2 * Math.PI * rng()), perp0);
    R = multiplyRotations(rotationAbout(tiltAxis, (gaussian(rng) * spreadDeg * Math.PI) / 180), R);
  }
  return R;
}

export function multiplyVector(R: Rotation, v: readonly number[]): [number, number, number] {
  return [0, 1, 2].map((i) => R[3 * i]! * v[0]! + R[3 * i + 1]! * v[1]! + R[3 * i + 2]! * v[2]!) as [
    number,
    number,
    number,
  ];
}
