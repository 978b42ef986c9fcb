/**
 * `matgraph md …` in-process: elastic output against the LAMMPS reference
 * (elastic_0K.json), table output, element selection for setfl/fs files, clear errors
 * for uncovered elements, and short thermal-conductivity / melt runs.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { describe, expect, it, vi } from "vitest";
import { registerMdCommands } from "../../src/cli/md.command";
import { hasSharedData, sharedData, SKIP_REASON } from "../support/shared-data";

async function cli(args: string[]): Promise<{ stdout: string; stderr: string; error?: CommanderError }> {
  const program = new Command();
  program.exitOverride();
  registerMdCommands(program);
  let stdout = "";
  let stderr = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(args, { from: "user" });
    return { stdout, stderr };
  } catch (error) {
    if (error instanceof CommanderError) return { stdout, stderr, error };
    throw error;
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe.skipIf(!hasSharedData)("matgraph md" + SKIP_REASON, () => {
  const potential = (f: string): string => sharedData("potentials", f);

  it("md elastic --json matches LAMMPS for Cu_u3.eam within 0.5 %", async () => {
    const ref = (
      JSON.parse(readFileSync(sharedData("reference", "md", "elastic_0K.json"), "utf8")) as {
        shared: Record<string, Record<string, number>>;
      }
    ).shared["Cu_u3.eam"]!;
    const { stdout } = await cli([
      "md",
      "elastic",
      "--potential",
      potential("Cu_u3.eam"),
      "--lattice",
      "fcc",
      "--a0",
      "3.615",
      "--json",
    ]);
    const r = JSON.parse(stdout) as Record<string, number>;
    expect(Object.keys(r)).toEqual(
      expect.arrayContaining([
        "a0",
        "cohesiveEnergy",
        "C11",
        "C12",
        "C44",
        "bulkModulus",
        "shearModulus",
        "youngsModulus",
        "poissonRatio",
      ]),
    );
    for (const [mine, theirs] of [
      ["a0", "a0"],
      ["cohesiveEnergy", "Ecoh"],
      ["C11", "C11"],
      ["C12", "C12"],
      ["C44", "C44"],
    ] as const) {
      expect(Math.abs(r[mine]! / ref[theirs]! - 1)).toBeLessThan(0.005);
    }
    // Cubic Voigt–Reuss–Hill from the reference constants, to the same tolerance.
    const bulk = (ref["C11"]! + 2 * ref["C12"]!) / 3;
    expect(Math.abs(r["bulkModulus"]! / bulk - 1)).toBeLessThan(0.005);
    expect(r["poissonRatio"]).toBeGreaterThan(0.3);
    expect(r["poissonRatio"]).toBeLessThan(0.5);
  });

  it("md elastic prints a table; setfl needs no --element when it has one element", async () => {
    const { stdout } = await cli(["md", "elastic", "--potential", potential("Cu_mishin1.eam.alloy")]);
    expect(stdout).toMatch(/C11\s+\d+\.\d+\s+GPa/);
    expect(stdout).toMatch(/a0\s+3\.61\d*\s+Å/);
  });

  it("md elastic on a Finnis–Sinclair file (Fe_mm.eam.fs, bcc) gives a stable bcc crystal", async () => {
    const { stdout } = await cli([
      "md",
      "elastic",
      "--potential",
      potential("Fe_mm.eam.fs"),
      "--element",
      "Fe",
      "--json",
    ]);
    const r = JSON.parse(stdout) as Record<string, number>;
    expect(r["a0"]).toBeCloseTo(2.855, 2);
    expect(r["C11"]).toBeGreaterThan(r["C12"]!);
    expect(r["C44"]).toBeGreaterThan(0);
  });

  it("an element the potential does not cover is a clear error", async () => {
    const { error, stderr } = await cli([
      "md",
      "elastic",
      "--potential",
      potential("Cu_mishin1.eam.alloy"),
      "--element",
      "Zr",
      "--json",
    ]);
    expect(error?.code).toBe("md.uncoveredElement");
    expect(stderr).toMatch(/does not cover element Zr/);
  });

  it("multi-element setfl requires --element", async () => {
    const { error } = await cli(["md", "elastic", "--potential", potential("CuNi.eam.alloy"), "--json"]);
    expect(error?.code).toBe("md.element");
  });

  it("md thermal-conductivity --json runs a short Green–Kubo calculation", async () => {
    const { stdout } = await cli([
      "md",
      "thermal-conductivity",
      "--potential",
      potential("Cu_u3.eam"),
      "--temperature",
      "300",
      "--steps",
      "600",
      "--equilibration",
      "200",
      "--runs",
      "2",
      "--correlation",
      "0.2",
      "--size",
      "3x3x3",
      "--json",
    ]);
    const r = JSON.parse(stdout) as {
      thermalConductivity: number;
      perRun: number[];
      provenance: { potential: { sha256: string } };
    };
    expect(r.perRun).toHaveLength(2);
    expect(Number.isFinite(r.thermalConductivity)).toBe(true);
    expect(r.provenance.potential.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("md melt --json reports a temperature, an uncertainty and whether coexistence held", async () => {
    const { stdout } = await cli([
      "md",
      "melt",
      "--potential",
      potential("Cu_u3.eam"),
      "--guess",
      "1300",
      "--size",
      "3x3x6",
      "--steps",
      "600",
      "--equilibration",
      "200",
      "--melt-steps",
      "200",
      "--attempts",
      "1",
      "--json",
    ]);
    const r = JSON.parse(stdout) as Record<string, unknown>;
    expect(typeof r["meltingTemperature"]).toBe("number");
    expect(typeof r["coexistence"]).toBe("boolean");
    expect(r["atoms"]).toBe(216);
  });
});
