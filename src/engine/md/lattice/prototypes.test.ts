import { describe, expect, it } from "vitest";
import { meanCoordination } from "../computes/structure.compute";
import { UnknownNameError } from "../core/errors";
import { buildSupercell, prototypeCell } from "./index";

describe("crystal builders", () => {
  // [prototype, species, atoms per conventional cell, nearest-neighbour distance / a, first-shell coordination]
  const cases: [string, string[], number, number, number][] = [
    ["fcc", ["Cu"], 4, Math.SQRT1_2, 12],
    ["bcc", ["Fe"], 2, Math.sqrt(3) / 2, 8],
    ["hcp", ["Mg"], 2, 1, 12],
    ["diamond", ["Si"], 8, Math.sqrt(3) / 4, 4],
    ["b1", ["Na", "Cl"], 8, 0.5, 6],
    ["b2", ["Cs", "Cl"], 2, Math.sqrt(3) / 2, 8],
  ];
  it.each(cases)("%s: atom count, density and first-shell coordination", (name, species, perCell, nnOverA, z) => {
    const a = 4;
    const sys = buildSupercell(prototypeCell(name, { a, species }), { repeat: [2, 2, 2] });
    expect(sys.n).toBe(8 * perCell);
    expect(sys.typeNames).toEqual(species);
    expect(meanCoordination(sys, nnOverA * a * 1.05)).toBeCloseTo(z, 10);
    expect(meanCoordination(sys, nnOverA * a * 0.95)).toBe(0);
  });

  it("a database-style triclinic structure is replicated with its own cell", () => {
    const sys = buildSupercell(
      {
        lattice: [
          [3, 0, 0],
          [1, 3, 0],
          [0.5, 0.5, 3],
        ],
        fractional: [
          [0, 0, 0],
          [0.5, 0.5, 0.5],
        ],
        species: ["Fe", "Al"],
      },
      { repeat: [2, 3, 1] },
    );
    expect(sys.n).toBe(12);
    expect(sys.box.volume).toBeCloseTo(27 * 6, 10);
    expect(sys.typeMasses[0]).toBeCloseTo(55.845, 3);
  });

  it("unknown prototypes are a typed error", () => {
    expect(() => prototypeCell("perovskite", { a: 4, species: ["Sr"] })).toThrow(UnknownNameError);
  });
});
