/**
 * The half list must contain every periodic-image pair within cutoff exactly once,
 * including in triclinic cells thinner than the cutoff, and must rebuild as soon as
 * atoms have moved half the skin.
 */
import { describe, expect, it } from "vitest";
import { Box } from "../core/box";
import { InvalidSystemError } from "../core/errors";
import { Random } from "../core/random";
import { AtomSystem } from "../core/system";
import { NeighborList } from "./neighbor-list";

function randomSystem(cell: number[], n: number, seed: number): AtomSystem {
  const rng = new Random(seed);
  const box = new Box(cell);
  const x = [0, 0, 0];
  const positions: number[] = [];
  for (let i = 0; i < n; i++) {
    box.toCartesian(rng.uniform(), rng.uniform(), rng.uniform(), x);
    positions.push(x[0]!, x[1]!, x[2]!);
  }
  return new AtomSystem({ box, positions, types: new Array<number>(n).fill(0), typeNames: ["X"], typeMasses: [1] });
}

/** All (i ≤ j, image) pairs within rc by brute force over a generous image range. */
function bruteForcePairs(sys: AtomSystem, rc: number): number[] {
  const h = sys.box.h;
  const reach = sys.box.planeSpacings().map((d) => Math.ceil(rc / d) + 1);
  const distances: number[] = [];
  for (let i = 0; i < sys.n; i++)
    for (let j = i; j < sys.n; j++)
      for (let a = -reach[0]!; a <= reach[0]!; a++)
        for (let b = -reach[1]!; b <= reach[1]!; b++)
          for (let c = -reach[2]!; c <= reach[2]!; c++) {
            if (i === j && (a < 0 || (a === 0 && (b < 0 || (b === 0 && c <= 0))))) continue;
            let r2 = 0;
            for (let d = 0; d < 3; d++) {
              const dx =
                sys.positions[3 * j + d]! + a * h[d]! + b * h[3 + d]! + c * h[6 + d]! - sys.positions[3 * i + d]!;
              r2 += dx * dx;
            }
            if (r2 < rc * rc) distances.push(Math.sqrt(r2));
          }
  return distances.sort((p, q) => p - q);
}

function listPairs(nl: NeighborList, rc: number): number[] {
  const out: number[] = [];
  const e = nl.extPos;
  for (let i = 0; i < nl.nLocal; i++)
    for (let q = nl.start[i]!; q < nl.start[i + 1]!; q++) {
      const k = nl.list[q]!;
      const r = Math.hypot(e[3 * i]! - e[3 * k]!, e[3 * i + 1]! - e[3 * k + 1]!, e[3 * i + 2]! - e[3 * k + 2]!);
      if (r < rc) out.push(r);
    }
  return out.sort((p, q) => p - q);
}

describe("neighbour list", () => {
  it.each([
    ["orthorhombic", [9, 0, 0, 0, 10, 0, 0, 0, 11], 60],
    ["triclinic", [7, 0, 0, 2.5, 6.5, 0, -1.5, 2, 7.5], 40],
    ["triclinic thinner than the cutoff", [3.2, 0, 0, 1.1, 3.4, 0, 0.7, -0.9, 3.1], 3],
  ] as [string, number[], number][])("%s: same pairs as brute force", (_name, cell, n) => {
    const sys = randomSystem(cell, n, 42);
    const rc = 4.2;
    const nl = new NeighborList(rc, 0.4);
    nl.build(sys);
    const expected = bruteForcePairs(sys, rc);
    const got = listPairs(nl, rc);
    expect(got.length).toBe(expected.length);
    for (let k = 0; k < got.length; k++) expect(got[k]).toBeCloseTo(expected[k]!, 9);
  });

  it("holds image offsets up to ±127 (one byte) and refuses cells that need more", () => {
    // rc + skin = 4.6 over a 0.0383 Å thick cell: 121 images on each side along a.
    const thin = randomSystem([0.0383, 0, 0, 0, 6, 0, 0, 0, 6.5], 2, 5);
    const nl = new NeighborList(4.2, 0.4);
    nl.build(thin);
    let largest = 0;
    for (let k = 0; k < 3 * nl.nTotal; k++) largest = Math.max(largest, Math.abs(nl.image[k]!));
    expect(largest).toBeGreaterThan(100);
    const expected = bruteForcePairs(thin, 4.2);
    const got = listPairs(nl, 4.2);
    expect(got.length).toBe(expected.length);
    for (let k = 0; k < got.length; k++) expect(got[k]).toBeCloseTo(expected[k]!, 9);
    const thinner = randomSystem([0.03, 0, 0, 0, 6, 0, 0, 0, 6.5], 2, 5);
    expect(() => new NeighborList(4.2, 0.4).build(thinner)).toThrow(InvalidSystemError);
  });

  it("rebuilds only after a displacement of more than half the skin", () => {
    const sys = randomSystem([9, 0, 0, 0, 9, 0, 0, 0, 9], 30, 1);
    const nl = new NeighborList(3, 0.6);
    nl.build(sys);
    const builds = nl.builds;
    sys.positions[0] = sys.positions[0]! + 0.29;
    expect(nl.update(sys)).toBe(false);
    sys.positions[0] = sys.positions[0]! + 0.02;
    expect(nl.update(sys)).toBe(true);
    expect(nl.builds).toBe(builds + 1);
    // A change of cell alone also invalidates the list.
    sys.deformTo([9.4, 0, 0, 0, 9, 0, 0, 0, 9]);
    expect(nl.needsRebuild(sys)).toBe(true);
  });
});
