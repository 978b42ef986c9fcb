import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { Command } from "commander";
import {
  FemModelError,
  isElasticElementName,
  isotropicElastic,
  isPreconditionerName,
  solveCantilever,
  solveHeatCube,
  solvePlateImpact,
  toVtu,
  vonMisesOf,
  type FailureCriterion,
  type PreconditionerName,
  type SolidShapeName,
} from "../engine/fem/index";

/**
 * `matgraph fem cantilever|heat|impact`: finite-element runs for people. SI units on the command
 * line (Pa, m, N, W/(m·K), K). Prints a table, or one JSON object with --json; --vtu writes a
 * ParaView file.
 */
interface CantileverOptions {
  E: string;
  nu: string;
  length: string;
  width: string;
  height?: string;
  load: string;
  elements: string;
  element: string;
  preconditioner: string;
  tolerance: string;
  vtu?: string;
  json?: boolean;
}

interface HeatOptions {
  conductivity: string;
  length: string;
  elements: string;
  element: string;
  hot: string;
  cold: string;
  preconditioner: string;
  tolerance: string;
  vtu?: string;
  json?: boolean;
}

interface ImpactOptions {
  E: string;
  nu: string;
  density: string;
  yield?: string;
  hardening: string;
  hardeningExponent?: string;
  failureStrain?: string;
  failureCriterion: string;
  plate: string;
  elements: string;
  striker: string;
  strikerRadius: string;
  strikerMass: string;
  velocity: string;
  duration: string;
  edges: string;
  hourglass: string;
  hourglassCoefficient: string;
  quarter?: boolean;
  vtu?: string;
  json?: boolean;
}

function parseDimensions(text: string): [number, number, number] {
  const parts = text.split("x").map((s) => Number(s));
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n) || n <= 0))
    throw new FemModelError(`--plate must look like 0.1x0.1x0.005 (m), got "${text}"`);
  return parts as [number, number, number];
}

function oneOf<T extends string>(name: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text))
    throw new FemModelError(`--${name} must be one of ${allowed.join(", ")}, got "${text}"`);
  return text as T;
}

function parseCounts(text: string): [number, number, number] {
  const parts = text.split("x").map((s) => Number(s));
  if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n) || n < 1))
    throw new FemModelError(`--elements must look like 40x4x4, got "${text}"`);
  return parts as [number, number, number];
}

function positive(name: string, text: string): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0) throw new FemModelError(`--${name} must be a positive number, got "${text}"`);
  return v;
}

function preconditioner(text: string): PreconditionerName {
  if (!isPreconditionerName(text)) throw new FemModelError(`unknown --preconditioner "${text}"`);
  return text;
}

function table(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n") + "\n";
}

export function registerFemCommands(program: Command): void {
  const fem = program
    .command("fem")
    .description("finite-element analyses (linear elasticity, heat conduction, explicit impact)");

  fem
    .command("cantilever")
    .description("cantilever beam clamped at x = 0 with a transverse end load (traction on the end face)")
    .option("--E <pa>", "Young's modulus (Pa)", "210e9")
    .option("--nu <ratio>", "Poisson ratio", "0.3")
    .option("--length <m>", "beam length (m)", "1")
    .option("--width <m>", "section width (m)", "0.05")
    .option("--height <m>", "section height (m), default = width")
    .option("--load <n>", "end load (N), acting in −z", "1000")
    .option("--elements <nx>x<ny>x<nz>", "cells along the length, width and height", "40x4x4")
    .option("--element <name>", "hex8 | hex8i | hex8b | hex20 | tet4 | tet10", "hex8i")
    .option("--preconditioner <name>", "none | jacobi | ic0 | amg (smoothed-aggregation multigrid)", "amg")
    .option("--tolerance <rel>", "CG relative residual", "1e-8")
    .option("--vtu <file>", "write displacement and stress fields for ParaView")
    .option("--json", "print one JSON object")
    .action((opts: CantileverOptions) => {
      if (!isElasticElementName(opts.element)) throw new FemModelError(`unknown --element "${opts.element}"`);
      const element = opts.element;
      const E = positive("E", opts.E);
      const nu = Number(opts.nu);
      const length = positive("length", opts.length);
      const width = positive("width", opts.width);
      const height = opts.height === undefined ? width : positive("height", opts.height);
      const load = Number(opts.load);
      if (!Number.isFinite(load)) throw new FemModelError(`--load must be a number, got "${opts.load}"`);
      const cells = parseCounts(opts.elements);
      const [nx, ny, nz] = cells;
      const t0 = performance.now();
      let t1 = t0;
      const solved = solveCantilever(
        {
          lengthM: length,
          widthM: width,
          heightM: height,
          loadN: load,
          cells,
          element,
          material: isotropicElastic({ youngsModulusPa: E, poissonRatio: nu }),
          referenceYoungsModulusPa: E,
          referencePoissonRatio: nu,
        },
        {
          preconditioner: preconditioner(opts.preconditioner),
          tolerance: positive("tolerance", opts.tolerance),
          onAssembled: () => (t1 = performance.now()),
        },
      );
      const t2 = performance.now();
      const { mesh, result, tipDeflectionM: tipDeflection, timoshenkoTipDeflectionM: timoshenko } = solved;
      if (opts.vtu) {
        writeFileSync(
          opts.vtu,
          toVtu(mesh, [
            { name: "displacement", components: 3, values: result.displacementM },
            { name: "stress", components: 6, values: result.nodalStressPa },
            { name: "vonMises", components: 1, values: result.vonMisesPa },
          ]),
        );
      }
      const out = {
        case: "cantilever",
        element,
        tipDeflection,
        timoshenkoTipDeflection: timoshenko,
        maxVonMises: result.summary.maxVonMisesPa,
        strainEnergy: result.strainEnergyJ,
        dofs: result.provenance.dofs,
        iterations: result.provenance.solver.iterations,
        assemblySeconds: (t1 - t0) / 1000,
        solveSeconds: (t2 - t1) / 1000,
        preconditioner: result.provenance.solver.preconditioner,
        vtu: opts.vtu ?? null,
      };
      if (opts.json) process.stdout.write(JSON.stringify(out) + "\n");
      else
        process.stdout.write(
          table([
            ["element", `${element} (${nx}x${ny}x${nz})`],
            ["dofs", String(out.dofs)],
            ["tip deflection (m)", tipDeflection.toExponential(6)],
            ["Timoshenko (m)", timoshenko.toExponential(6)],
            ["max von Mises (Pa)", out.maxVonMises.toExponential(4)],
            ["CG iterations", `${out.iterations} (${out.preconditioner})`],
            ["assembly (s)", out.assemblySeconds.toFixed(3)],
            ["solve (s)", out.solveSeconds.toFixed(3)],
            ...(opts.vtu ? ([["vtu", opts.vtu]] as [string, string][]) : []),
          ]),
        );
    });

  fem
    .command("heat")
    .description("steady conduction through a cube between a hot face (x = 0) and a cold face (x = L)")
    .option("--conductivity <w>", "thermal conductivity (W/(m·K))", "50")
    .option("--length <m>", "cube edge (m)", "0.1")
    .option("--elements <nx>x<ny>x<nz>", "cells per direction", "10x10x10")
    .option("--element <shape>", "hex8 | hex20 | tet4 | tet10", "hex8")
    .option("--hot <k>", "hot-face temperature (K)", "400")
    .option("--cold <k>", "cold-face temperature (K)", "300")
    .option("--preconditioner <name>", "none | jacobi | ic0 | amg (smoothed-aggregation multigrid)", "amg")
    .option("--tolerance <rel>", "CG relative residual", "1e-8")
    .option("--vtu <file>", "write temperature and heat flux for ParaView")
    .option("--json", "print one JSON object")
    .action((opts: HeatOptions) => {
      const shape = opts.element as SolidShapeName;
      if (!["hex8", "hex20", "tet4", "tet10"].includes(shape))
        throw new FemModelError(`unknown --element "${opts.element}"`);
      const L = positive("length", opts.length);
      const [nx, ny, nz] = parseCounts(opts.elements);
      const hot = Number(opts.hot);
      const cold = Number(opts.cold);
      const t0 = performance.now();
      const solved = solveHeatCube(
        {
          edgeM: L,
          cells: [nx, ny, nz],
          shape,
          conductivityWPerMK: positive("conductivity", opts.conductivity),
          hotK: hot,
          coldK: cold,
        },
        { preconditioner: preconditioner(opts.preconditioner), tolerance: positive("tolerance", opts.tolerance) },
      );
      const t1 = performance.now();
      const { mesh, result } = solved;
      if (opts.vtu)
        writeFileSync(
          opts.vtu,
          toVtu(mesh, [
            { name: "temperature", components: 1, values: result.temperatureK },
            { name: "heatFlux", components: 3, values: result.nodalFluxWPerM2 },
          ]),
        );
      const out = {
        case: "heat",
        element: shape,
        effectiveConductivity: solved.effectiveConductivityWPerMK,
        minTemperature: result.summary.minTemperatureK,
        maxTemperature: result.summary.maxTemperatureK,
        maxHeatFlux: result.summary.maxFluxWPerM2,
        dofs: result.provenance.dofs,
        iterations: result.provenance.solver.iterations,
        solveSeconds: (t1 - t0) / 1000,
        vtu: opts.vtu ?? null,
      };
      if (opts.json) process.stdout.write(JSON.stringify(out) + "\n");
      else
        process.stdout.write(
          table([
            ["element", `${shape} (${nx}x${ny}x${nz})`],
            ["unknowns", String(out.dofs)],
            ["effective conductivity (W/(m·K))", out.effectiveConductivity.toPrecision(6)],
            ["max heat flux (W/m²)", out.maxHeatFlux.toExponential(4)],
            ["CG iterations", String(out.iterations)],
            ["solve (s)", out.solveSeconds.toFixed(3)],
          ]),
        );
    });

  fem
    .command("impact")
    .description(
      "rigid striker (sphere or flat punch) hitting the centre of a plate: explicit dynamics, J2 plasticity, erosion",
    )
    .option("--E <pa>", "Young's modulus (Pa)", "3.5e9")
    .option("--nu <ratio>", "Poisson ratio", "0.35")
    .option("--density <kgm3>", "density (kg/m³)", "1200")
    .option("--yield <pa>", "initial yield stress (Pa); omit for an elastic plate")
    .option(
      "--hardening <pa>",
      "linear hardening modulus H (Pa), or the power-law coefficient K with --hardening-exponent",
      "0",
    )
    .option("--hardening-exponent <n>", "power-law hardening σy = σ0 + K·εp^n")
    .option("--failure-strain <strain>", "erode elements at this strain (omit: no failure)")
    .option(
      "--failure-criterion <name>",
      "principal (max principal strain) | plastic (equivalent plastic strain)",
      "principal",
    )
    .option("--plate <L>x<W>x<H>", "plate size (m); thickness along z", "0.1x0.1x0.005")
    .option("--elements <nx>x<ny>x<nz>", "cells of the whole plate", "40x40x4")
    .option("--striker <shape>", "sphere | flat", "sphere")
    .option("--striker-radius <m>", "striker radius (m)", "0.01")
    .option("--striker-mass <kg>", "striker mass (kg)", "1")
    .option("--velocity <ms>", "impact speed (m/s)", "5")
    .option("--duration <s>", "simulated time (s)", "1e-3")
    .option("--edges <kind>", "clamped | free", "clamped")
    .option("--hourglass <kind>", "stiffness | viscous", "stiffness")
    .option("--hourglass-coefficient <q>", "hourglass coefficient Q", "0.05")
    .option("--quarter", "mesh a quarter of the plate with symmetry planes (needs even nx, ny)")
    .option("--vtu <file>", "write the final displacement, stress and plastic strain for ParaView")
    .option("--json", "print one JSON object")
    .action((opts: ImpactOptions) => {
      const [lengthM, widthM, thicknessM] = parseDimensions(opts.plate);
      const cells = parseCounts(opts.elements);
      const hardeningPa = Number(opts.hardening);
      if (!(Number.isFinite(hardeningPa) && hardeningPa >= 0))
        throw new FemModelError(`--hardening must be a non-negative number of Pa, got "${opts.hardening}"`);
      const failureStrain =
        opts.failureStrain === undefined ? undefined : positive("failure-strain", opts.failureStrain);
      const criterion = oneOf("failure-criterion", opts.failureCriterion, ["principal", "plastic"] as const);
      const failure: FailureCriterion | undefined =
        failureStrain === undefined
          ? undefined
          : { kind: criterion === "principal" ? "principal-strain" : "plastic-strain", limit: failureStrain };
      const t0 = performance.now();
      const solved = solvePlateImpact({
        plate: { lengthM, widthM, thicknessM },
        cells,
        material: {
          youngsModulusPa: positive("E", opts.E),
          poissonRatio: Number(opts.nu),
          densityKgM3: positive("density", opts.density),
          yieldStressPa: opts.yield === undefined ? undefined : positive("yield", opts.yield),
          hardening:
            opts.hardeningExponent === undefined
              ? { kind: "linear", modulusPa: hardeningPa }
              : {
                  kind: "power",
                  coefficientPa: hardeningPa,
                  exponent: positive("hardening-exponent", opts.hardeningExponent),
                },
        },
        failure,
        striker: {
          shape: oneOf("striker", opts.striker, ["sphere", "flat"] as const),
          radiusM: positive("striker-radius", opts.strikerRadius),
          massKg: positive("striker-mass", opts.strikerMass),
          speedMPerS: positive("velocity", opts.velocity),
        },
        edges: oneOf("edges", opts.edges, ["clamped", "free"] as const),
        symmetry: opts.quarter ? "quarter" : "none",
        hourglass: {
          kind: oneOf("hourglass", opts.hourglass, ["stiffness", "viscous"] as const),
          coefficient: Number(opts.hourglassCoefficient),
        },
        durationS: positive("duration", opts.duration),
      });
      const seconds = (performance.now() - t0) / 1000;
      const { mesh, result, summary } = solved;
      if (opts.vtu) {
        const vonMises = new Float64Array(mesh.elementCount);
        for (let e = 0; e < mesh.elementCount; e++) vonMises[e] = vonMisesOf(result.stressPa, 6 * e);
        writeFileSync(
          opts.vtu,
          toVtu(
            mesh,
            [
              { name: "displacement", components: 3, values: result.displacementM },
              { name: "velocity", components: 3, values: result.velocityMPerS },
            ],
            [
              { name: "stress", components: 6, values: result.stressPa },
              { name: "vonMises", components: 1, values: vonMises },
              { name: "plasticStrain", components: 1, values: result.plasticStrain },
              { name: "intact", components: 1, values: result.alive },
            ],
          ),
        );
      }
      const out = {
        case: "impact",
        peakForceN: summary.peakForceN,
        absorbedEnergyJ: summary.absorbedEnergyJ,
        fractureStrain: summary.fractureStrain,
        peakStressPa: summary.peakStressPa,
        peakStrain: summary.peakStrain,
        plasticWorkJ: summary.plasticWorkJ,
        erodedElements: summary.erodedElements,
        finalStrikerVelocityMPerS: summary.finalStrikerVelocityMPerS,
        energyBalanceError: summary.energyBalanceError,
        steps: result.steps,
        timeStepS: result.initialTimeStepS,
        elements: mesh.elementCount,
        seconds,
        vtu: opts.vtu ?? null,
      };
      if (opts.json) process.stdout.write(JSON.stringify(out) + "\n");
      else
        process.stdout.write(
          table([
            ["elements", `${out.elements} (${cells.join("x")}${opts.quarter ? ", quarter model" : ""})`],
            ["steps", `${out.steps} (Δt ${out.timeStepS.toExponential(3)} s)`],
            ["peak contact force (N)", out.peakForceN.toPrecision(5)],
            ["absorbed energy (J)", out.absorbedEnergyJ.toPrecision(5)],
            ["fracture strain", out.fractureStrain === null ? "no failure" : out.fractureStrain.toPrecision(4)],
            ["peak von Mises (Pa)", out.peakStressPa.toExponential(4)],
            ["peak principal strain", out.peakStrain.toPrecision(4)],
            ["plastic work (J)", out.plasticWorkJ.toPrecision(4)],
            ["eroded elements", String(out.erodedElements)],
            ["striker velocity at end (m/s)", out.finalStrikerVelocityMPerS.toPrecision(4)],
            ["energy balance error", out.energyBalanceError.toExponential(2)],
            ["run (s)", out.seconds.toFixed(3)],
            ...(opts.vtu ? ([["vtu", opts.vtu]] as [string, string][]) : []),
          ]),
        );
    });
}
