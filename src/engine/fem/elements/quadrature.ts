import type { Quadrature } from "./shape.types";

/**
 * Gauss quadrature rules on the reference line [-1, 1], square and cube [-1, 1]^d,
 * triangle and tetrahedron (unit simplex). Simplex rules beyond the classical 1- and
 * 4-point tetrahedron rules are collapsed (Duffy) tensor-product Gauss rules, exact for
 * polynomials of degree 2n-1 on the simplex.
 */
const LEGENDRE: Record<number, { x: number[]; w: number[] }> = {
  1: { x: [0], w: [2] },
  2: { x: [-1 / Math.sqrt(3), 1 / Math.sqrt(3)], w: [1, 1] },
  3: { x: [-Math.sqrt(3 / 5), 0, Math.sqrt(3 / 5)], w: [5 / 9, 8 / 9, 5 / 9] },
  4: {
    x: [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526],
    w: [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538],
  },
};

function legendre(n: number): { x: number[]; w: number[] } {
  const rule = LEGENDRE[n];
  if (!rule) throw new RangeError(`no Gauss-Legendre rule with ${n} points`);
  return rule;
}

export function gaussLine(n: number): Quadrature {
  const { x, w } = legendre(n);
  return { dim: 1, count: n, points: Float64Array.from(x), weights: Float64Array.from(w) };
}

export function gaussSquare(n: number): Quadrature {
  const { x, w } = legendre(n);
  const points: number[] = [];
  const weights: number[] = [];
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      points.push(x[i] as number, x[j] as number);
      weights.push((w[i] as number) * (w[j] as number));
    }
  return { dim: 2, count: n * n, points: Float64Array.from(points), weights: Float64Array.from(weights) };
}

export function gaussCube(n: number): Quadrature {
  const { x, w } = legendre(n);
  const points: number[] = [];
  const weights: number[] = [];
  for (let k = 0; k < n; k++)
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        points.push(x[i] as number, x[j] as number, x[k] as number);
        weights.push((w[i] as number) * (w[j] as number) * (w[k] as number));
      }
  return { dim: 3, count: n * n * n, points: Float64Array.from(points), weights: Float64Array.from(weights) };
}

/** Triangle (0,0),(1,0),(0,1) by the collapsed map ξ = u, η = v(1-u). */
export function collapsedTriangle(n: number): Quadrature {
  const { x, w } = legendre(n);
  const points: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const u = ((x[i] as number) + 1) / 2;
      const v = ((x[j] as number) + 1) / 2;
      points.push(u, v * (1 - u));
      weights.push(((w[i] as number) * (w[j] as number) * (1 - u)) / 4);
    }
  return { dim: 2, count: n * n, points: Float64Array.from(points), weights: Float64Array.from(weights) };
}

/** Tetrahedron (unit simplex) by ξ = u, η = v(1-u), ζ = t(1-u)(1-v). */
export function collapsedTetrahedron(n: number): Quadrature {
  const { x, w } = legendre(n);
  const points: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let k = 0; k < n; k++) {
        const u = ((x[i] as number) + 1) / 2;
        const v = ((x[j] as number) + 1) / 2;
        const t = ((x[k] as number) + 1) / 2;
        points.push(u, v * (1 - u), t * (1 - u) * (1 - v));
        weights.push(((w[i] as number) * (w[j] as number) * (w[k] as number) * (1 - u) * (1 - u) * (1 - v)) / 8);
      }
  return { dim: 3, count: n * n * n, points: Float64Array.from(points), weights: Float64Array.from(weights) };
}

export function tetCentroid(): Quadrature {
  return { dim: 3, count: 1, points: Float64Array.from([0.25, 0.25, 0.25]), weights: Float64Array.from([1 / 6]) };
}

/** The classical symmetric 4-point rule, exact to degree 2. */
export function tetFourPoint(): Quadrature {
  const a = 0.5854101966249685;
  const b = 0.1381966011250105;
  return {
    dim: 3,
    count: 4,
    points: Float64Array.from([b, b, b, a, b, b, b, a, b, b, b, a]),
    weights: Float64Array.from([1 / 24, 1 / 24, 1 / 24, 1 / 24]),
  };
}
