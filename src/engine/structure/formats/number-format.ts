/**
 * Number formatting shared by the structure writers: fixed notation (no exponents, which
 * some CIF/POSCAR readers reject) with enough digits that a written file reads back to
 * well within 1e-6, and no "-0".
 */
export function formatFixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  const trimmed = s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, ".0") : s;
  return /^-0(\.0)?$/.test(trimmed) ? "0.0" : trimmed;
}

/** Strict decimal number (optionally with exponent); `undefined` for anything else. */
export function parseDecimal(text: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text.replace(/[dD]/, "e"));
}
