import { type Mat3, type Vec3 } from "./mat3";

/**
 * Crystallographic symmetry operations in the Jones-faithful notation of CIF
 * (`_symmetry_equiv_pos_as_xyz`, `_space_group_symop_operation_xyz`), e.g.
 * "-y+1/2, x+1/2, z+1/4" or "x-y,x,z". An operation maps fractional coordinates
 * f → R·f + t (R integer, t fractional).
 */
export interface SymmetryOperation {
  rotation: Mat3;
  translation: Vec3;
}

/** Throws a plain `Error` with the reason; format readers wrap it with the line number. */
export function parseSymmetryOperation(text: string): SymmetryOperation {
  const parts = text.replace(/\s+/g, "").toLowerCase().split(",");
  if (parts.length !== 3) throw new Error(`symmetry operation "${text}" must have three comma-separated parts`);
  const rotation: Mat3 = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const translation: Vec3 = [0, 0, 0];
  parts.forEach((part, row) => {
    if (part === "") throw new Error(`symmetry operation "${text}" has an empty part`);
    const terms = part.match(/[+-]?[^+-]+/g);
    if (!terms || terms.join("") !== part) throw new Error(`cannot read "${part}" in symmetry operation "${text}"`);
    for (const term of terms) {
      const sign = term.startsWith("-") ? -1 : 1;
      const body = term.replace(/^[+-]/, "");
      const variable = /^(\d*\.?\d*)\*?([xyz])$/.exec(body);
      if (variable) {
        const coef = variable[1] === "" ? 1 : Number(variable[1]);
        const col = "xyz".indexOf(variable[2] as string);
        rotation[row]![col]! += sign * coef;
        continue;
      }
      const fraction = /^(\d+\.?\d*|\.\d+)(?:\/(\d+\.?\d*))?$/.exec(body);
      if (fraction) {
        const value = Number(fraction[1]) / (fraction[2] === undefined ? 1 : Number(fraction[2]));
        if (!Number.isFinite(value)) throw new Error(`bad number "${body}" in symmetry operation "${text}"`);
        translation[row as 0 | 1 | 2] += sign * value;
        continue;
      }
      throw new Error(`cannot read "${term}" in symmetry operation "${text}"`);
    }
  });
  return { rotation, translation };
}

export function applySymmetryOperation(op: SymmetryOperation, f: readonly number[]): Vec3 {
  const [r0, r1, r2] = op.rotation;
  const x = f[0] as number;
  const y = f[1] as number;
  const z = f[2] as number;
  return [
    r0[0] * x + r0[1] * y + r0[2] * z + op.translation[0],
    r1[0] * x + r1[1] * y + r1[2] * z + op.translation[1],
    r2[0] * x + r2[1] * y + r2[2] * z + op.translation[2],
  ];
}
