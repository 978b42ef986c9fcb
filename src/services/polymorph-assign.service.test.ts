import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { CanonicalStructure } from "./canonical-entry";
import { fixed4, structureFingerprint } from "./polymorph-assign.service";

/**
 * Stored fingerprints (polymorph_fingerprints, entries.structure_fingerprint) were made
 * with the definition below: the faster printing must give the same text for every
 * value, or re-ingests would stop finding the structures they placed before.
 */
const definition = (x: number) => (Math.round(x * 1e4) / 1e4 + 0).toFixed(4);

function definitionFingerprint(s: CanonicalStructure): string {
  const wrap = (x: number) => {
    const w = x - Math.floor(x);
    return w > 0.99995 ? 0 : w;
  };
  const parts = [
    s.lattice.flat().map(definition).join(","),
    s.species.join(","),
    s.fracCoords.map((f) => f.map((x) => definition(wrap(x))).join(" ")).join(";"),
  ];
  return createHash("sha1").update(parts.join("|")).digest("base64url");
}

/** Seeded, so a failure names a reproducible value. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe("structure fingerprint", () => {
  it("prints every rounded value as the definition does", () => {
    const edges = [
      0,
      -0,
      0.00005,
      -0.00005,
      0.00004999,
      -0.00004999,
      0.99995,
      1 - 1e-17,
      0.12345,
      -0.12345,
      2.00005,
      1e-300,
      -1e-300,
      12345.67895,
      -9999.99995,
      1e8,
      1e8 + 0.00005,
      123456789.12345,
      1e12,
      1e15,
      1e21,
      1e300,
      -1e300,
      NaN,
      Infinity,
      -Infinity,
      Number.MAX_SAFE_INTEGER,
      Number.EPSILON,
    ];
    for (const x of edges) expect(fixed4(x), String(x)).toBe(definition(x));
    const next = random(7);
    for (let i = 0; i < 200_000; i++) {
      const scale = 10 ** Math.floor(next() * 16 - 6);
      const x = (next() - 0.5) * 2 * scale;
      // Values on a rounding boundary (x.xxxx5) are the ones where the two could part.
      const tie = Math.round(x * 1e4) / 1e4 + 0.00005 * Math.sign(x);
      expect(fixed4(x), String(x)).toBe(definition(x));
      expect(fixed4(tie), String(tie)).toBe(definition(tie));
    }
  });

  it("is the fingerprint of the definition for whole structures", () => {
    const next = random(11);
    for (let n = 1; n < 40; n++) {
      const structure: CanonicalStructure = {
        lattice: [
          [next() * 10, next() - 0.5, 0],
          [-0.00004, next() * 10, 1e-9],
          [next() - 0.5, -next(), next() * 20],
        ],
        species: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? "O" : "Fe")),
        fracCoords: Array.from({ length: n }, () => [next() * 3 - 1, 0.99996, -0.00003 - next() * 1e-5]),
      };
      expect(structureFingerprint(structure)).toBe(definitionFingerprint(structure));
    }
  });
});
