import type { Composition } from "../chem/composition";
import { regressionMetrics } from "./metrics";

/**
 * Material classes for error analysis, as in the seed paper's Table 4: elements (one
 * element), multicomponent alloys (≥ 3 elements, all metallic, no anion formers),
 * amorphous / glass-forming systems (only when the data labels them), and ordered
 * compounds (everything else: binary alloys and compounds with anions).
 * Metallic here: not one of the nonmetals and metalloids H, He, B, C, N, O, F, Ne, Si, P,
 * S, Cl, Ar, Ge, As, Se, Br, Kr, Sb, Te, I, Xe, At, Rn.
 */
export type MaterialClass = "element" | "ordered-compound" | "multicomponent-alloy" | "amorphous";

export const MATERIAL_CLASSES: readonly MaterialClass[] = [
  "element",
  "ordered-compound",
  "multicomponent-alloy",
  "amorphous",
];

// prettier-ignore
const NON_METALS = new Set(["H", "He", "B", "C", "N", "O", "F", "Ne", "Si", "P", "S", "Cl", "Ar", "Ge", "As", "Se", "Br", "Kr", "Sb", "Te", "I", "Xe", "At", "Rn"]);

export function isMetallic(symbol: string): boolean {
  return !NON_METALS.has(symbol);
}

/** `label` is the dataset's own class column, if any; "amorphous"/"glass" labels win. */
export function materialClass(composition: Composition, label?: string): MaterialClass {
  if (label && /amorph|glass/i.test(label)) return "amorphous";
  const elements = composition.elements;
  if (elements.length === 1) return "element";
  if (elements.length >= 3 && elements.every(isMetallic)) return "multicomponent-alloy";
  return "ordered-compound";
}

export interface ClassErrorRow {
  readonly materialClass: MaterialClass;
  readonly n: number;
  readonly mae: number;
}

export function errorByClass(
  classes: readonly MaterialClass[],
  y: ArrayLike<number>,
  yhat: ArrayLike<number>,
): ClassErrorRow[] {
  return MATERIAL_CLASSES.map((c) => {
    const idx = classes.flatMap((k, i) => (k === c ? [i] : []));
    const m = regressionMetrics(
      idx.map((i) => y[i] as number),
      idx.map((i) => yhat[i] as number),
    );
    return { materialClass: c, n: idx.length, mae: m.mae };
  });
}
