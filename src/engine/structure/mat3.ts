/**
 * Small dense 3-vector / 3×3-matrix arithmetic for lattices. Matrices are row-major
 * arrays of rows; a lattice matrix holds the cell vectors a, b, c as rows (Å), so
 * cartesian = fractional · L and fractional = cartesian · L⁻¹.
 */
export type Vec3 = [number, number, number];
export type Mat3 = [Vec3, Vec3, Vec3];

export function vec3(v: readonly number[]): Vec3 {
  return [v[0] ?? NaN, v[1] ?? NaN, v[2] ?? NaN];
}

export function mat3(m: readonly (readonly number[])[]): Mat3 {
  return [vec3(m[0] ?? []), vec3(m[1] ?? []), vec3(m[2] ?? [])];
}

export function dot(a: readonly number[], b: readonly number[]): number {
  return (
    (a[0] as number) * (b[0] as number) + (a[1] as number) * (b[1] as number) + (a[2] as number) * (b[2] as number)
  );
}

export function cross(a: readonly number[], b: readonly number[]): Vec3 {
  const [a0, a1, a2] = vec3(a);
  const [b0, b1, b2] = vec3(b);
  return [a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0];
}

export function norm(a: readonly number[]): number {
  return Math.sqrt(dot(a, a));
}

export function sub(a: readonly number[], b: readonly number[]): Vec3 {
  return [
    (a[0] as number) - (b[0] as number),
    (a[1] as number) - (b[1] as number),
    (a[2] as number) - (b[2] as number),
  ];
}

export function add(a: readonly number[], b: readonly number[]): Vec3 {
  return [
    (a[0] as number) + (b[0] as number),
    (a[1] as number) + (b[1] as number),
    (a[2] as number) + (b[2] as number),
  ];
}

export function scale(a: readonly number[], s: number): Vec3 {
  return [(a[0] as number) * s, (a[1] as number) * s, (a[2] as number) * s];
}

export function det(m: readonly (readonly number[])[]): number {
  const [r0, r1, r2] = mat3(m);
  return dot(r0, cross(r1, r2));
}

export function transpose(m: readonly (readonly number[])[]): Mat3 {
  const [r0, r1, r2] = mat3(m);
  return [
    [r0[0], r1[0], r2[0]],
    [r0[1], r1[1], r2[1]],
    [r0[2], r1[2], r2[2]],
  ];
}

/** Inverse by the adjugate; the caller checks the determinant is not ~0. */
export function inverse(m: readonly (readonly number[])[]): Mat3 {
  const [r0, r1, r2] = mat3(m);
  const d = dot(r0, cross(r1, r2));
  const c0 = cross(r1, r2);
  const c1 = cross(r2, r0);
  const c2 = cross(r0, r1);
  // Columns of the inverse are the cross products divided by the determinant.
  return [
    [c0[0] / d, c1[0] / d, c2[0] / d],
    [c0[1] / d, c1[1] / d, c2[1] / d],
    [c0[2] / d, c1[2] / d, c2[2] / d],
  ];
}

export function matMul(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): Mat3 {
  const bt = transpose(b);
  const A = mat3(a);
  return [
    [dot(A[0], bt[0]), dot(A[0], bt[1]), dot(A[0], bt[2])],
    [dot(A[1], bt[0]), dot(A[1], bt[1]), dot(A[1], bt[2])],
    [dot(A[2], bt[0]), dot(A[2], bt[1]), dot(A[2], bt[2])],
  ];
}

/** Row vector times matrix: v · M. */
export function vecMat(v: readonly number[], m: readonly (readonly number[])[]): Vec3 {
  const M = mat3(m);
  const x = v[0] as number;
  const y = v[1] as number;
  const z = v[2] as number;
  return [
    x * M[0][0] + y * M[1][0] + z * M[2][0],
    x * M[0][1] + y * M[1][1] + z * M[2][1],
    x * M[0][2] + y * M[1][2] + z * M[2][2],
  ];
}

/** Matrix times column vector: M · v. */
export function matVec(m: readonly (readonly number[])[], v: readonly number[]): Vec3 {
  const M = mat3(m);
  return [dot(M[0], v), dot(M[1], v), dot(M[2], v)];
}
