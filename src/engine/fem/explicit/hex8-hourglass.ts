import { HEX8_CORNERS } from "../elements/hex8.element";

/**
 * Hourglass base vectors Γ of the trilinear brick (Flanagan & Belytschko 1981): the nodal
 * patterns ηζ, ζξ, ξη and ξηζ, which the one-point rule cannot see. Γ[4·a + α] for node a,
 * mode α. They are orthogonal to 1, ξ, η, ζ, so rigid and linear motions have no hourglass part.
 */
export const HOURGLASS_BASE = ((): Float64Array => {
  const g = new Float64Array(32);
  for (let a = 0; a < 8; a++) {
    const xi = HEX8_CORNERS[3 * a] as number;
    const eta = HEX8_CORNERS[3 * a + 1] as number;
    const zeta = HEX8_CORNERS[3 * a + 2] as number;
    g[4 * a] = eta * zeta;
    g[4 * a + 1] = zeta * xi;
    g[4 * a + 2] = xi * eta;
    g[4 * a + 3] = xi * eta * zeta;
  }
  return g;
})();

/** Natural-coordinate gradients of N_a at the element centre: (ξa, ηa, ζa)/8. */
export const CENTRE_GRADIENTS = Float64Array.from(HEX8_CORNERS, (c) => c / 8);
