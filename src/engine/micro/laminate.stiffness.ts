import { MicroModelError } from "./micro.errors";
import { rotationBetween } from "./orientation";
import { invert6, rotateStiffness } from "./stiffness-tensor";

/**
 * Exact effective stiffness of a fine laminate of two phases with layer normal n (Pa, Voigt,
 * engineering shear). In a frame with n = z the in-plane strains (xx, yy, xy) and the
 * traction components (zz, yz, xz) are continuous across the layers; with P = {xx, yy, xy},
 * Q = {zz, yz, xz} and ⟨·⟩ the volume average over the phases:
 *   C̄_QQ = ⟨C_QQ⁻¹⟩⁻¹,  C̄_QP = C̄_QQ ⟨C_QQ⁻¹ C_QP⟩,
 *   C̄_PP = ⟨C_PP − C_PQ C_QQ⁻¹ C_QP⟩ + ⟨C_PQ C_QQ⁻¹⟩ C̄_QQ ⟨C_QQ⁻¹ C_QP⟩.
 *
 * Used for "composite voxels": a voxel cut by an inclusion surface gets the laminate of its
 * two phases, with the sub-voxel fraction and the surface normal, which removes most of the
 * stair-case error of a sharp voxel interface (M. Kabel, D. Merkert, M. Schneider, Comput.
 * Methods Appl. Mech. Eng. 294 (2015) 168, doi:10.1016/j.cma.2015.06.003).
 */
const P = [0, 1, 5];
const Q = [2, 3, 4];

export function laminateStiffness(
  Ca: Float64Array,
  Cb: Float64Array,
  fractionB: number,
  normal: readonly [number, number, number],
): Float64Array {
  if (!(fractionB >= 0 && fractionB <= 1))
    throw new MicroModelError(`laminate fraction must lie in [0, 1], got ${fractionB}`);
  if (fractionB === 0) return Float64Array.from(Ca);
  if (fractionB === 1) return Float64Array.from(Cb);
  const R = rotationBetween([0, 0, 1], normal);
  const Rt = Float64Array.from([R[0]!, R[3]!, R[6]!, R[1]!, R[4]!, R[7]!, R[2]!, R[5]!, R[8]!]);
  const phases = [
    { C: rotateStiffness(Ca, Rt), f: 1 - fractionB },
    { C: rotateStiffness(Cb, Rt), f: fractionB },
  ];
  const avgQQinv = new Float64Array(9);
  const avgQQinvQP = new Float64Array(9);
  const avgPQQQinv = new Float64Array(9);
  const avgSchur = new Float64Array(9);
  for (const { C, f } of phases) {
    const block = (rows: number[], cols: number[]): Float64Array =>
      Float64Array.from(rows.flatMap((r) => cols.map((c) => C[6 * r + c]!)));
    const qqInv = invert3(block(Q, Q));
    const qp = block(Q, P);
    const pq = block(P, Q);
    const pp = block(P, P);
    const qqInvQP = mul3(qqInv, qp);
    const pqQQinv = mul3(pq, qqInv);
    const schur = mul3(pq, qqInvQP);
    for (let i = 0; i < 9; i++) {
      avgQQinv[i] = avgQQinv[i]! + f * qqInv[i]!;
      avgQQinvQP[i] = avgQQinvQP[i]! + f * qqInvQP[i]!;
      avgPQQQinv[i] = avgPQQQinv[i]! + f * pqQQinv[i]!;
      avgSchur[i] = avgSchur[i]! + f * (pp[i]! - schur[i]!);
    }
  }
  const cQQ = invert3(avgQQinv);
  const cQP = mul3(cQQ, avgQQinvQP);
  const cPQ = mul3(avgPQQQinv, cQQ);
  const cPP = mul3(avgPQQQinv, cQP);
  for (let i = 0; i < 9; i++) cPP[i] = cPP[i]! + avgSchur[i]!;
  const local = new Float64Array(36);
  const put = (rows: number[], cols: number[], B: Float64Array): void =>
    rows.forEach((r, i) => cols.forEach((c, j) => (local[6 * r + c] = B[3 * i + j]!)));
  put(P, P, cPP);
  put(P, Q, cPQ);
  put(Q, P, cQP);
  put(Q, Q, cQQ);
  return rotateStiffness(local, R);
}

function mul3(A: Float64Array, B: Float64Array): Float64Array {
  const C = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      C[3 * i + j] = A[3 * i]! * B[j]! + A[3 * i + 1]! * B[3 + j]! + A[3 * i + 2]! * B[6 + j]!;
  return C;
}

function invert3(A: Float64Array): Float64Array {
  // Embed in a 6×6 identity to reuse the pivoted inverse.
  const M = new Float64Array(36);
  for (let i = 3; i < 6; i++) M[7 * i] = 1;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) M[6 * i + j] = A[3 * i + j]!;
  const inv = invert6(M);
  return Float64Array.from([inv[0]!, inv[1]!, inv[2]!, inv[6]!, inv[7]!, inv[8]!, inv[12]!, inv[13]!, inv[14]!]);
}
