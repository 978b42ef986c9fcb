/**
 * Rigid-body modes of a node cloud (3 translations, 3 rotations about the centroid,
 * rotations scaled by the cloud's size so all six have comparable norms). Used to check
 * that supports restrain every rigid motion and as the AMG near-null space.
 */
export function rigidBodyModes(coordinates: Float64Array): Float64Array[] {
  const n = coordinates.length / 3;
  const c = [0, 0, 0];
  for (let k = 0; k < n; k++) for (let i = 0; i < 3; i++) c[i]! += (coordinates[3 * k + i] as number) / n;
  let size = 0;
  for (let k = 0; k < n; k++)
    for (let i = 0; i < 3; i++) size = Math.max(size, Math.abs((coordinates[3 * k + i] as number) - c[i]!));
  const s = size > 0 ? 1 / size : 1;
  const modes = Array.from({ length: 6 }, () => new Float64Array(3 * n));
  for (let k = 0; k < n; k++) {
    const x = ((coordinates[3 * k] as number) - c[0]!) * s;
    const y = ((coordinates[3 * k + 1] as number) - c[1]!) * s;
    const z = ((coordinates[3 * k + 2] as number) - c[2]!) * s;
    modes[0]![3 * k] = 1;
    modes[1]![3 * k + 1] = 1;
    modes[2]![3 * k + 2] = 1;
    modes[3]![3 * k + 1] = -z;
    modes[3]![3 * k + 2] = y;
    modes[4]![3 * k] = z;
    modes[4]![3 * k + 2] = -x;
    modes[5]![3 * k] = -y;
    modes[5]![3 * k + 1] = x;
  }
  return modes;
}

/**
 * Smallest eigenvalue ratio of the Gram matrix of the modes restricted to the constrained
 * unknowns: near zero means some combination of rigid motions leaves every constraint
 * untouched, i.e. the model can move freely.
 */
export function restraintConditioning(modes: Float64Array[], constrained: Uint8Array): number {
  const m = modes.length;
  const G = new Float64Array(m * m);
  for (let r = 0; r < constrained.length; r++) {
    if (!constrained[r]) continue;
    for (let a = 0; a < m; a++) {
      const va = modes[a]![r] as number;
      if (va === 0) continue;
      for (let b = 0; b < m; b++) G[a * m + b] = (G[a * m + b] as number) + va * (modes[b]![r] as number);
    }
  }
  const eig = symmetricEigenvalues(G, m);
  const max = Math.max(...eig);
  if (!(max > 0)) return 0;
  return Math.min(...eig) / max;
}

/** Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations. */
export function symmetricEigenvalues(Ain: Float64Array, n: number): number[] {
  const A = Float64Array.from(Ain);
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += (A[p * n + q] as number) ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q] as number;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = ((A[q * n + q] as number) - (A[p * n + p] as number)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cs = 1 / Math.sqrt(t * t + 1);
        const sn = t * cs;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p] as number;
          const akq = A[k * n + q] as number;
          A[k * n + p] = cs * akp - sn * akq;
          A[k * n + q] = sn * akp + cs * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k] as number;
          const aqk = A[q * n + k] as number;
          A[p * n + k] = cs * apk - sn * aqk;
          A[q * n + k] = sn * apk + cs * aqk;
        }
      }
  }
  return Array.from({ length: n }, (_, i) => A[i * n + i] as number);
}
