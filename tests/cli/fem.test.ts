import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerFemCommands } from "../../src/cli/fem.command";

async function run(args: string[]): Promise<string> {
  const program = new Command();
  program.exitOverride();
  registerFemCommands(program);
  let out = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  try {
    await program.parseAsync(args, { from: "user" });
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe("matgraph fem", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("cantilever --json reports a tip deflection within 1 % of Timoshenko theory", async () => {
    const out = await run([
      "fem",
      "cantilever",
      "--E",
      "210e9",
      "--nu",
      "0.3",
      "--length",
      "1",
      "--width",
      "0.05",
      "--load",
      "1000",
      "--elements",
      "40x4x4",
      "--element",
      "hex8i",
      "--json",
    ]);
    const result = JSON.parse(out) as Record<string, number>;
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining(["tipDeflection", "maxVonMises", "dofs", "iterations", "solveSeconds"]),
    );
    expect(result["dofs"]).toBe(41 * 5 * 5 * 3);
    expect(Math.abs(result["tipDeflection"]! / result["timoshenkoTipDeflection"]! - 1)).toBeLessThan(0.01);
    // Beam theory: σ_max = M c / I = 1000 · 1 · 0.025 / (0.05⁴/12) = 48 MPa at the clamp.
    expect(result["maxVonMises"]! / 48e6).toBeGreaterThan(0.9);
    expect(result["maxVonMises"]! / 48e6).toBeLessThan(1.5);
  });

  it("cantilever writes a .vtu file and prints a table without --json", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fem-cli-"));
    dirs.push(dir);
    const file = path.join(dir, "beam.vtu");
    const out = await run(["fem", "cantilever", "--elements", "10x1x1", "--element", "hex20", "--vtu", file]);
    expect(out).toMatch(/tip deflection \(m\)\s+\d/);
    const vtu = readFileSync(file, "utf8");
    expect(vtu).toContain('Name="displacement"');
    expect(vtu).toContain('NumberOfCells="10"');
  });

  it("heat --json recovers the conductivity of the cube", async () => {
    const out = await run(["fem", "heat", "--conductivity", "50", "--elements", "6x6x6", "--json"]);
    const result = JSON.parse(out) as Record<string, number>;
    expect(result["effectiveConductivity"]).toBeCloseTo(50, 4);
    expect(result["dofs"]).toBe(7 ** 3);
  });

  it("rejects a malformed --elements", async () => {
    await expect(run(["fem", "cantilever", "--elements", "40x4"])).rejects.toMatchObject({ code: "FEM_MODEL" });
  });
});
