import { performance } from "node:perf_hooks";
import { type Command, InvalidArgumentError } from "commander";
import {
  MicroModelError,
  solveComposite,
  solvePolycrystal,
  type IsotropicModuli,
  type ModulusBounds,
} from "../engine/micro/index";

/**
 * `matgraph micro polycrystal|composite`: mesoscale homogenisation for people. Moduli on the
 * command line and in the output are GPa, lengths µm; the engine works in Pa and m. Prints a
 * table, or one JSON object with --json. The 6×6 is in Voigt order [xx, yy, zz, yz, xz, xy]
 * with engineering shear strains (γ = 2ε).
 */
interface PolycrystalOptions {
  C11: number;
  C12: number;
  C44: number;
  grains: number;
  voxels: number;
  seed: number;
  texture: string;
  fibreAxis: [number, number, number];
  voxelSize: number;
  tolerance: number;
  json?: boolean;
}

interface CompositeOptions {
  matrixE: number;
  matrixNu: number;
  inclusionE: number;
  inclusionNu: number;
  fraction: number;
  shape: string;
  aspect: number;
  orientation: string;
  diameter?: number;
  gap?: number;
  voxels: number;
  seed: number;
  tolerance: number;
  json?: boolean;
}

const GPA = 1e9;
const UM = 1e-6;

function finiteNumber(value: string): number {
  const v = Number(value);
  if (value.trim() === "" || !Number.isFinite(v)) throw new InvalidArgumentError("expected a number");
  return v;
}

function positiveNumber(value: string): number {
  const v = finiteNumber(value);
  if (v <= 0) throw new InvalidArgumentError("expected a positive number");
  return v;
}

function positiveInt(value: string): number {
  const v = Number(value);
  if (!Number.isInteger(v) || v <= 0) throw new InvalidArgumentError("expected a positive integer");
  return v;
}

function nonNegativeInt(value: string): number {
  const v = Number(value);
  if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError("expected a non-negative integer");
  return v;
}

function integer(value: string): number {
  const v = Number(value);
  if (!Number.isInteger(v)) throw new InvalidArgumentError("expected an integer");
  return v;
}

function oneOf(...choices: string[]): (value: string) => string {
  return (value) => {
    if (!choices.includes(value)) throw new InvalidArgumentError(`expected one of ${choices.join(", ")}`);
    return value;
  };
}

function direction(value: string): [number, number, number] {
  const parts = value.split(",").map(Number);
  if (parts.length !== 3 || !parts.every(Number.isFinite) || parts.every((p) => p === 0))
    throw new InvalidArgumentError('expected a non-zero direction "u,v,w", e.g. "0,0,1"');
  return parts as [number, number, number];
}

const round = (x: number, digits = 4): number => Number(x.toPrecision(digits + 2));
const gpa = (pa: number): number => round(pa / GPA);
const matrixGPa = (C: Float64Array): number[][] =>
  [0, 1, 2, 3, 4, 5].map((i) => [0, 1, 2, 3, 4, 5].map((j) => round(C[6 * i + j]! / GPA)));

function isotropicGPa(m: IsotropicModuli): Record<string, number> {
  return {
    youngsModulus: gpa(m.youngsModulusPa),
    poissonRatio: round(m.poissonRatio),
    bulkModulus: gpa(m.bulkHillPa),
    shearModulus: gpa(m.shearHillPa),
    bulkVoigt: gpa(m.bulkVoigtPa),
    bulkReuss: gpa(m.bulkReussPa),
    shearVoigt: gpa(m.shearVoigtPa),
    shearReuss: gpa(m.shearReussPa),
  };
}

function boundsGPa(b: ModulusBounds): Record<string, number> {
  return {
    bulkLower: gpa(b.bulkLowerPa),
    bulkUpper: gpa(b.bulkUpperPa),
    shearLower: gpa(b.shearLowerPa),
    shearUpper: gpa(b.shearUpperPa),
  };
}

function printTable(rows: [string, string, string][]): void {
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  process.stdout.write(rows.map(([k, v, u]) => `${k.padEnd(w0)}  ${v.padStart(w1)}  ${u}`).join("\n") + "\n");
}

/** Engine input errors become a one-line command error (exit 2) instead of a stack trace. */
function run(cmd: Command, body: () => void): void {
  try {
    body();
  } catch (error) {
    if (error instanceof MicroModelError) cmd.error(`error: ${error.message}`, { exitCode: 2, code: "micro.input" });
    throw error;
  }
}

export function registerMicroCommands(program: Command): void {
  const micro = program
    .command("micro")
    .description("mesoscale homogenisation: cubic polycrystals and particle/fibre composites (periodic voxel FEM)");

  micro
    .command("polycrystal")
    .description(
      "effective moduli of a Voronoi polycrystal of cubic grains, with Voigt/Reuss/Hill averages and microstructure descriptors",
    )
    .requiredOption("--C11 <gpa>", "single-crystal C11 (GPa)", finiteNumber)
    .requiredOption("--C12 <gpa>", "single-crystal C12 (GPa)", finiteNumber)
    .requiredOption("--C44 <gpa>", "single-crystal C44 (GPa)", finiteNumber)
    .option("--grains <n>", "number of Voronoi seeds", positiveInt, 50)
    .option("--voxels <n>", "voxels per RVE edge", positiveInt, 32)
    .option("--seed <n>", "PRNG seed (same seed, same microstructure)", integer, 1)
    .option("--texture <kind>", "random | fibre", oneOf("random", "fibre"), "random")
    .option("--fibre-axis <u,v,w>", "crystal direction along the sample z axis for --texture fibre", direction, [
      0, 0, 1,
    ] as [number, number, number])
    .option("--voxel-size <um>", "voxel edge (µm), scales the length descriptors", positiveNumber, 1)
    .option("--tolerance <rel>", "CG tolerance relative to the element loads", positiveNumber, 1e-7)
    .option("--json", "print one JSON object")
    .action(function (this: Command, opts: PolycrystalOptions) {
      run(this, () => {
        const t0 = performance.now();
        const r = solvePolycrystal({
          c11Pa: opts.C11 * GPA,
          c12Pa: opts.C12 * GPA,
          c44Pa: opts.C44 * GPA,
          grains: opts.grains,
          voxels: opts.voxels,
          seed: opts.seed,
          texture: opts.texture === "fibre" ? "fibre" : "random",
          fibre: { crystalDirection: opts.fibreAxis },
          voxelSizeM: opts.voxelSize * UM,
          tolerance: opts.tolerance,
        });
        const seconds = (performance.now() - t0) / 1000;
        const d = r.descriptors;
        const out = {
          case: "polycrystal",
          units: { moduli: "GPa", lengths: "µm", stiffness: "GPa, Voigt [xx,yy,zz,yz,xz,xy], engineering shear" },
          texture: opts.texture,
          grains: r.microstructure.grainCount,
          voxels: opts.voxels,
          seed: opts.seed,
          bulkModulus: gpa(r.bulkModulusPa),
          shearModulus: gpa(r.shearModulusPa),
          youngsModulus: gpa(r.effective.youngsModulusPa),
          poissonRatio: round(r.effective.poissonRatio),
          voigtBulk: gpa(r.averages.bulkModulusPa),
          voigtShear: gpa(r.averages.shearVoigtPa),
          reussShear: gpa(r.averages.shearReussPa),
          hillShear: gpa(r.averages.shearHillPa),
          stiffness: matrixGPa(r.stiffnessPa),
          descriptors: {
            grainCount: d.grainCount,
            grainSizeMean: round(d.grainSizeMeanM / UM),
            grainSizeStd: round(d.grainSizeStdM / UM),
            meanLinearIntercept: round(d.meanLinearInterceptM / UM),
            grainBoundaryAreaPerVolume: round(d.boundaryAreaPerVolumePerM * UM),
            textureIndex: round(d.textureIndex),
          },
          iterations: r.iterations,
          dofs: r.dofs,
          seconds: round(seconds, 3),
        };
        if (opts.json) {
          process.stdout.write(JSON.stringify(out) + "\n");
          return;
        }
        printTable([
          ["grains", String(out.grains), `${opts.voxels}³ voxels, ${opts.texture} texture`],
          ["bulk modulus (effective)", out.bulkModulus.toFixed(2), "GPa"],
          ["shear modulus (effective)", out.shearModulus.toFixed(2), "GPa"],
          ["Young's modulus", out.youngsModulus.toFixed(2), "GPa"],
          ["Poisson's ratio", out.poissonRatio.toFixed(4), ""],
          [
            "shear: Voigt / Reuss / Hill",
            `${out.voigtShear.toFixed(2)} / ${out.reussShear.toFixed(2)} / ${out.hillShear.toFixed(2)}`,
            "GPa",
          ],
          [
            "grain size mean ± std",
            `${out.descriptors.grainSizeMean.toFixed(3)} ± ${out.descriptors.grainSizeStd.toFixed(3)}`,
            "µm",
          ],
          ["mean linear intercept", out.descriptors.meanLinearIntercept.toFixed(3), "µm"],
          ["boundary area per volume", out.descriptors.grainBoundaryAreaPerVolume.toFixed(4), "1/µm"],
          ["texture index J4", out.descriptors.textureIndex.toFixed(4), ""],
          ["CG iterations", out.iterations.join(", "), ""],
          ["time", out.seconds.toFixed(2), "s"],
        ]);
      });
    });

  micro
    .command("composite")
    .description("effective stiffness of spheres or fibres in a matrix, with Hashin–Shtrikman bounds and Mori–Tanaka")
    .requiredOption("--matrix-E <gpa>", "matrix Young's modulus (GPa)", positiveNumber)
    .requiredOption("--matrix-nu <ratio>", "matrix Poisson's ratio", finiteNumber)
    .requiredOption("--inclusion-E <gpa>", "inclusion Young's modulus (GPa)", positiveNumber)
    .requiredOption("--inclusion-nu <ratio>", "inclusion Poisson's ratio", finiteNumber)
    .requiredOption("--fraction <f>", "target inclusion volume fraction (0, 0.6]", positiveNumber)
    .option("--shape <shape>", "sphere | fibre", oneOf("sphere", "fibre"), "sphere")
    .option("--aspect <ratio>", "fibre length / diameter", positiveNumber, 10)
    .option("--orientation <kind>", "fibres: aligned (along z) | random", oneOf("aligned", "random"), "random")
    .option(
      "--diameter <voxels>",
      "inclusion diameter in voxels (default from the grid and aspect ratio)",
      positiveNumber,
    )
    .option(
      "--gap <voxels>",
      "minimum matrix layer between inclusion cores (default 1 for spheres, 0 for fibres)",
      nonNegativeInt,
    )
    .option("--voxels <n>", "voxels per RVE edge", positiveInt, 32)
    .option("--seed <n>", "PRNG seed (same seed, same microstructure)", integer, 1)
    .option("--tolerance <rel>", "CG tolerance relative to the element loads", positiveNumber, 1e-7)
    .option("--json", "print one JSON object")
    .action(function (this: Command, opts: CompositeOptions) {
      run(this, () => {
        const t0 = performance.now();
        const shape = opts.shape === "fibre" ? "fibre" : "sphere";
        const r = solveComposite({
          matrixYoungsModulusPa: opts.matrixE * GPA,
          matrixPoissonRatio: opts.matrixNu,
          inclusionYoungsModulusPa: opts.inclusionE * GPA,
          inclusionPoissonRatio: opts.inclusionNu,
          volumeFraction: opts.fraction,
          shape,
          aspectRatio: opts.aspect,
          orientation: opts.orientation === "aligned" ? "aligned" : "random",
          ...(opts.diameter !== undefined ? { diameterVoxels: opts.diameter } : {}),
          ...(opts.gap !== undefined ? { gapVoxels: opts.gap } : {}),
          voxels: opts.voxels,
          seed: opts.seed,
          tolerance: opts.tolerance,
        });
        const seconds = (performance.now() - t0) / 1000;
        const m = r.microstructure;
        const out = {
          case: "composite",
          units: { moduli: "GPa", stiffness: "GPa, Voigt [xx,yy,zz,yz,xz,xy], engineering shear" },
          shape,
          ...(shape === "fibre" ? { aspect: opts.aspect, orientation: opts.orientation } : {}),
          targetFraction: opts.fraction,
          volumeFraction: round(r.volumeFraction),
          inclusions: m.inclusionCount,
          diameterVoxels: round(m.diameterVoxels, 3),
          voxels: opts.voxels,
          seed: opts.seed,
          stiffness: matrixGPa(r.stiffnessPa),
          effective: isotropicGPa(r.effective),
          voigtReuss: boundsGPa(r.voigtReuss),
          hashinShtrikman: boundsGPa(r.hashinShtrikman),
          moriTanaka: r.moriTanaka
            ? {
                youngsModulus: gpa(r.moriTanaka.youngsModulusPa),
                poissonRatio: round(r.moriTanaka.poissonRatio),
                bulkModulus: gpa(r.moriTanaka.bulkModulusPa),
                shearModulus: gpa(r.moriTanaka.shearModulusPa),
              }
            : null,
          iterations: r.iterations,
          dofs: r.dofs,
          seconds: round(seconds, 3),
        };
        if (opts.json) {
          process.stdout.write(JSON.stringify(out) + "\n");
          return;
        }
        const e = out.effective;
        const hs = out.hashinShtrikman;
        printTable([
          [
            "inclusions",
            `${out.inclusions} ${shape}s`,
            `fraction ${out.volumeFraction} (target ${opts.fraction}), ${opts.voxels}³ voxels`,
          ],
          ["E / ν (effective, Hill)", `${e.youngsModulus!.toFixed(3)} / ${e.poissonRatio!.toFixed(4)}`, "GPa / –"],
          ["K / G (effective, Hill)", `${e.bulkModulus!.toFixed(3)} / ${e.shearModulus!.toFixed(3)}`, "GPa"],
          ["K Hashin–Shtrikman", `${hs.bulkLower!.toFixed(3)} … ${hs.bulkUpper!.toFixed(3)}`, "GPa"],
          ["G Hashin–Shtrikman", `${hs.shearLower!.toFixed(3)} … ${hs.shearUpper!.toFixed(3)}`, "GPa"],
          ...(out.moriTanaka
            ? ([
                [
                  "K / G Mori–Tanaka",
                  `${out.moriTanaka.bulkModulus.toFixed(3)} / ${out.moriTanaka.shearModulus.toFixed(3)}`,
                  "GPa",
                ],
              ] as [string, string, string][])
            : []),
          ...out.stiffness.map((row, i): [string, string, string] => [
            i === 0 ? "C (6×6)" : "",
            row.map((c) => c.toFixed(3).padStart(9)).join(" "),
            i === 0 ? "GPa" : "",
          ]),
          ["CG iterations", out.iterations.join(", "), ""],
          ["time", out.seconds.toFixed(2), "s"],
        ]);
      });
    });
}
