/** Display formatting: numbers keep five significant digits, never exponent noise. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const rounded = Number(value.toPrecision(5));
  const magnitude = Math.abs(rounded);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e7)) return rounded.toExponential(3);
  return String(rounded);
}

export function withUnit(value: number, unit: string): string {
  return unit ? `${formatNumber(value)} ${unit}` : formatNumber(value);
}

const ACRONYMS = new Set(["MD", "FEM"]);

/** FEM_PLATE_WITH_HOLE → "FEM plate with hole", for enum values without a description. */
export function humanize(enumName: string): string {
  const words = enumName
    .split("_")
    .map((w, i) => (ACRONYMS.has(w) ? w : i === 0 ? w.charAt(0) + w.slice(1).toLowerCase() : w.toLowerCase()));
  return words.join(" ");
}

export function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}
