/**
 * The trilinear Hex8 element on a unit cube voxel, fully integrated (2×2×2 Gauss), so it has
 * no spurious zero-energy modes. Local node a sits at corner offset (a & 1, (a >> 1) & 1,
 * (a >> 2) & 1); degrees of freedom are ordered [u_x, u_y, u_z] per node. Strain rows follow
 * the Voigt order [xx, yy, zz, yz, xz, xy] with engineering shear.
 *
 * The element stiffness of a cube of edge h is h·K(unit cube) and the effective stiffness of
 * an RVE does not depend on h, so the homogeniser works on unit voxels.
 */
export const CORNER_OFFSETS: ReadonlyArray<readonly [number, number, number]> = Array.from(
  { length: 8 },
  (_, a) => [a & 1, (a >> 1) & 1, (a >> 2) & 1] as const,
);

/** Strain-displacement matrix B (6×24, row-major) at local point (x, y, z) ∈ [0, 1]³. */
export function strainDisplacement(x: number, y: number, z: number): Float64Array {
  const B = new Float64Array(6 * 24);
  for (let a = 0; a < 8; a++) {
    const [cx, cy, cz] = CORNER_OFFSETS[a]!;
    const fx = cx ? x : 1 - x;
    const fy = cy ? y : 1 - y;
    const fz = cz ? z : 1 - z;
    const sx = cx ? 1 : -1;
    const sy = cy ? 1 : -1;
    const sz = cz ? 1 : -1;
    const dx = sx * fy * fz;
    const dy = fx * sy * fz;
    const dz = fx * fy * sz;
    const c = 3 * a;
    B[0 * 24 + c] = dx;
    B[1 * 24 + c + 1] = dy;
    B[2 * 24 + c + 2] = dz;
    B[3 * 24 + c + 1] = dz;
    B[3 * 24 + c + 2] = dy;
    B[4 * 24 + c] = dz;
    B[4 * 24 + c + 2] = dx;
    B[5 * 24 + c] = dy;
    B[5 * 24 + c + 1] = dx;
  }
  return B;
}

const GAUSS = [0.5 - 0.5 / Math.sqrt(3), 0.5 + 0.5 / Math.sqrt(3)];
const GAUSS_B: Float64Array[] = [];
for (const z of GAUSS) for (const y of GAUSS) for (const x of GAUSS) GAUSS_B.push(strainDisplacement(x, y, z));

/** B at the voxel centre equals the voxel average of B (each derivative is multilinear). */
export const CENTRE_B = strainDisplacement(0.5, 0.5, 0.5);

/** K = ∫ Bᵀ C B dV over the unit cube, 24×24 row-major. */
export function voxelStiffness(C: Float64Array): Float64Array {
  const K = new Float64Array(24 * 24);
  const CB = new Float64Array(6 * 24);
  for (const B of GAUSS_B) {
    for (let i = 0; i < 6; i++)
      for (let q = 0; q < 24; q++) {
        let s = 0;
        for (let k = 0; k < 6; k++) s += C[6 * i + k]! * B[24 * k + q]!;
        CB[24 * i + q] = s;
      }
    for (let p = 0; p < 24; p++)
      for (let q = 0; q < 24; q++) {
        let s = 0;
        for (let k = 0; k < 6; k++) s += B[24 * k + p]! * CB[24 * k + q]!;
        K[24 * p + q] = K[24 * p + q]! + s / 8;
      }
  }
  return K;
}
