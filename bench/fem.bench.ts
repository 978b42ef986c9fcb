/**
 * Finite-element benchmark: steel cantilever (1 m × 0.05 m × 0.05 m, 1 kN tip load) with
 * the locking-free Hex8 (incompatible modes, CalculiX C3D8I) at three refinements up to
 * > 1 M dofs, and a heat-conduction cube (Hex8) with > 1 M unknowns, both solved by
 * AMG-preconditioned CG. One JSON object per line on stdout; progress on stderr. Where
 * CalculiX `ccx` is on the PATH the same mesh, supports and nodal loads are written as a
 * CalculiX input, run, and compared (ccx* fields are null without it).
 *
 * Usage: npm run bench:fem [-- --quick] [-- --only cantilever|heat] [-- --no-ccx]
 *   [-- --ccx-solver SPOOLES|"ITERATIVE CHOLESKY"|"ITERATIVE SCALING"] [-- --ccx-timeout seconds]
 *   [-- --preconditioner amg|ic0|jacobi] [-- --beams 100x5,240x12 (nx x n cells)]
 * Times are wall seconds; *CpuSeconds are the process's CPU seconds for the same phase.
 * (--quick: small sizes only, for a smoke run)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import {
  assembleElastic,
  assembleHeat,
  boxMesh,
  cantileverMesh,
  fixed,
  isotropicElastic,
  solveAssembledElastic,
  solveHeatSystem,
  thermalMaterial,
  type Mesh,
  type PreconditionerName,
} from "../src/engine/fem/index";

const quick = process.argv.includes("--quick");
const argValue = (flag: string): string | undefined =>
  process.argv.includes(flag) ? process.argv[process.argv.indexOf(flag) + 1] : undefined;
/**
 * CalculiX solver: SPOOLES (direct) was faster than ITERATIVE CHOLESKY on the slender
 * cantilever (39 k dofs: 13.7 s vs 29 s wall, same machine), but its factor grows with
 * dofs × cross-section dofs (1.25 GB at 122 k dofs, tens of GB at 1 M), so large models
 * and the 1 M-unknown heat cube use the iterative solver.
 */
const ccxSolverOverride = argValue("--ccx-solver");
const ccxCantileverSolver = (dofs: number): string =>
  ccxSolverOverride ?? (dofs <= 300_000 ? "SPOOLES" : "ITERATIVE CHOLESKY");
const ccxHeatSolver = ccxSolverOverride ?? "ITERATIVE CHOLESKY";
const preconditioner = (argValue("--preconditioner") ?? "amg") as PreconditionerName;
const ccxTimeoutS = Number(argValue("--ccx-timeout") ?? 3600);
const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const log = (msg: string): void => void process.stderr.write(`[fem.bench] ${msg}\n`);
const peakRssMB = (): number => process.resourceUsage().maxRSS / 1024;

function hasCcx(): boolean {
  const r = spawnSync("sh", ["-c", "command -v ccx"], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim().length > 0;
}

function nodeLines(mesh: Mesh): string {
  const lines: string[] = [];
  for (let n = 0; n < mesh.nodeCount; n++)
    lines.push(`${n + 1},${mesh.coordinates[3 * n]},${mesh.coordinates[3 * n + 1]},${mesh.coordinates[3 * n + 2]}`);
  return lines.join("\n");
}

function elementLines(mesh: Mesh, npe: number): string {
  // CalculiX wants at most 16 entries per line; continuation lines end with a comma.
  const lines: string[] = [];
  for (let e = 0; e < mesh.elementCount; e++) {
    const ids = [e + 1, ...Array.from(mesh.connectivity.subarray(e * npe, e * npe + npe), (n) => n + 1)];
    for (let i = 0; i < ids.length; i += 15)
      lines.push(ids.slice(i, i + 15).join(",") + (i + 15 < ids.length ? "," : ""));
  }
  return lines.join("\n");
}

function setLines(nodes: Int32Array): string {
  const ids = Array.from(nodes, (n) => n + 1);
  const lines: string[] = [];
  for (let i = 0; i < ids.length; i += 16) lines.push(ids.slice(i, i + 16).join(","));
  return lines.join("\n");
}

/**
 * Runs ccx on `job.inp` in a fresh directory under /usr/bin/time (when present) so that
 * its CPU seconds and peak memory are known too; the machine may be shared, and CPU time
 * is the fairer comparison then. Returns null on failure or after `timeoutS` seconds.
 */
function runCcx(
  input: string,
): { seconds: number; cpuSeconds: number | null; peakRssMB: number | null; dat: string } | null {
  const dir = mkdtempSync(path.join(tmpdir(), "fem-bench-ccx-"));
  try {
    writeFileSync(path.join(dir, "job.inp"), input);
    const timed = existsSync("/usr/bin/time");
    const t0 = performance.now();
    const run = spawnSync(
      timed ? "/usr/bin/time" : "ccx",
      timed ? ["-f", "%U %S %M", "-o", "time.txt", "ccx", "-i", "job"] : ["-i", "job"],
      {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, OMP_NUM_THREADS: "1" },
        maxBuffer: 1 << 28,
        timeout: ccxTimeoutS * 1000,
      },
    );
    if (run.error || run.status !== 0) {
      log(
        `  ccx failed (${run.error ? run.error.message : `exit ${run.status}`}): ${(run.stdout ?? "")
          .split("\n")
          .filter((l) => /error/i.test(l))
          .slice(0, 3)
          .join(" | ")}`,
      );
      return null;
    }
    const seconds = (performance.now() - t0) / 1000;
    let cpuSeconds: number | null = null;
    let peakRssMB: number | null = null;
    if (timed) {
      const [user, sys, maxKb] = readFileSync(path.join(dir, "time.txt"), "utf8")
        .trim()
        .split("\n")
        .pop()!
        .split(" ")
        .map(Number);
      cpuSeconds = (user as number) + (sys as number);
      peakRssMB = (maxKb as number) / 1024;
    }
    const datFile = path.join(dir, "job.dat");
    return { seconds, cpuSeconds, peakRssMB, dat: existsSync(datFile) ? readFileSync(datFile, "utf8") : "" };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Mean of a column over the numeric rows of a .dat block. */
function datMean(dat: string, column: number): number {
  let sum = 0;
  let count = 0;
  for (const line of dat.split("\n")) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < column + 1 || !/^\d+$/.test(parts[0] as string)) continue;
    sum += Number(parts[column]);
    count++;
  }
  return sum / count;
}

const E = 210e9;
const nu = 0.3;
const b = 0.05;
const P = 1000;

function cantilever(nx: number, n: number, ccx: boolean): void {
  const mesh = cantileverMesh({ lengthM: 1, widthM: b, heightM: b, nx, ny: n, nz: n, shape: "hex8" });
  const model = {
    mesh,
    element: "hex8i" as const,
    material: isotropicElastic({ youngsModulusPa: E, poissonRatio: nu }),
    supports: [fixed("fixed")],
    loads: [{ kind: "traction" as const, faces: "tip", tractionPa: [0, 0, -P / (b * b)] as const }],
  };
  log(`cantilever hex8i ${nx}x${n}x${n}: ${3 * mesh.nodeCount} dofs, assembling`);
  const t0 = performance.now();
  const system = assembleElastic(model);
  const t1 = performance.now();
  const c1 = cpuSeconds();
  const solution = solveAssembledElastic(system, {
    preconditioner,
    tolerance: 1e-8,
    maxIterations: 50_000,
    onProgress: (e) => {
      if (e.stage === "solve" && (e.iteration ?? 0) % 50 === 0)
        log(`  iteration ${e.iteration}, residual ${e.relativeResidual?.toExponential(2)}`);
    },
  });
  const t2 = performance.now();
  const solveCpuSeconds = cpuSeconds() - c1;
  const tip = mesh.nodeSets.get("tip") as Int32Array;
  let uz = 0;
  for (const node of tip) uz += solution.displacementM[3 * node + 2] as number;
  const tipDeflection = -uz / tip.length;
  let ccxSolveSeconds: number | null = null;
  let ccxCpuSeconds: number | null = null;
  let ccxPeakRssMB: number | null = null;
  let ccxTipDeflection: number | null = null;
  if (ccx) {
    // Same consistent nodal loads as ours (from the traction), applied as *CLOAD.
    const loads: string[] = [];
    for (const node of tip) {
      const fz = system.loadVector[3 * node + 2] as number;
      if (fz !== 0) loads.push(`${node + 1},3,${fz}`);
    }
    const solver = ccxCantileverSolver(system.dofs);
    const inp = [
      "*NODE",
      nodeLines(mesh),
      "*ELEMENT, TYPE=C3D8I, ELSET=EALL",
      elementLines(mesh, 8),
      "*NSET, NSET=FIXED",
      setLines(mesh.nodeSets.get("fixed") as Int32Array),
      "*NSET, NSET=TIP",
      setLines(tip),
      "*MATERIAL, NAME=STEEL",
      "*ELASTIC",
      `${E},${nu}`,
      "*SOLID SECTION, ELSET=EALL, MATERIAL=STEEL",
      "*BOUNDARY",
      "FIXED,1,3",
      `*STEP`,
      `*STATIC, SOLVER=${solver}`,
      "*CLOAD",
      loads.join("\n"),
      "*NODE PRINT, NSET=TIP",
      "U",
      "*END STEP",
      "",
    ].join("\n");
    log(`  running ccx (${solver})`);
    const run = runCcx(inp);
    if (run) {
      ccxSolveSeconds = run.seconds;
      ccxCpuSeconds = run.cpuSeconds;
      ccxPeakRssMB = run.peakRssMB;
      ccxTipDeflection = -datMean(run.dat, 3);
    }
  }
  const solveSeconds = (t2 - t1) / 1000;
  console.log(
    JSON.stringify({
      case: `cantilever-${nx}x${n}x${n}`,
      element: "hex8i",
      preconditioner: solution.solver.preconditioner,
      dofs: system.dofs,
      assemblySeconds: (t1 - t0) / 1000,
      solveSeconds,
      solveCpuSeconds,
      iterations: solution.solver.iterations,
      secondsPerIteration: solveSeconds / Math.max(1, solution.solver.iterations),
      peakRssMB: peakRssMB(),
      tipDeflection,
      ccxSolver: ccx ? ccxCantileverSolver(system.dofs) : null,
      ccxSolveSeconds,
      ccxCpuSeconds,
      ccxPeakRssMB,
      ccxTipDeflection,
      timeRatio: ccxSolveSeconds === null ? null : solveSeconds / ccxSolveSeconds,
      deflectionDiff:
        ccxTipDeflection === null ? null : Math.abs(tipDeflection - ccxTipDeflection) / Math.abs(ccxTipDeflection),
    }),
  );
}

function heatCube(n: number, ccx: boolean): void {
  const mesh = boxMesh({ lengthM: 0.1, widthM: 0.1, heightM: 0.1, nx: n, ny: n, nz: n, shape: "hex8" });
  const model = {
    mesh,
    material: thermalMaterial({ conductivityWPerMK: 50, densityKgM3: 7850, heatCapacityJPerKgK: 460 }),
    fixedTemperatures: [
      { nodes: "xmin", temperatureK: 400 },
      { nodes: "xmax", temperatureK: 300 },
    ],
    convection: [{ faces: "ymin", coefficientWPerM2K: 100, ambientK: 293 }],
  };
  log(`heat cube hex8 ${n}^3: ${mesh.nodeCount} unknowns`);
  const t0 = performance.now();
  const system = assembleHeat(model, false);
  const t1 = performance.now();
  const c1 = cpuSeconds();
  const { result } = solveHeatSystem(system, { preconditioner, tolerance: 1e-8, maxIterations: 50_000 });
  const t2 = performance.now();
  const solveCpuSeconds = cpuSeconds() - c1;
  // Probe: the node nearest the cube centre.
  const probe = Math.floor(n / 2) + (n + 1) * (Math.floor(n / 2) + (n + 1) * Math.floor(n / 2));
  let ccxSolveSeconds: number | null = null;
  let ccxCpuSeconds: number | null = null;
  let ccxPeakRssMB: number | null = null;
  let ccxProbe: number | null = null;
  if (ccx) {
    const film: string[] = [];
    // Face ymin of a C3D8/DC3D8 brick is CalculiX face S3 (nodes 1-2-6-5).
    for (let e = 0; e < mesh.elementCount; e++) {
      const conn = mesh.connectivity.subarray(8 * e, 8 * e + 8);
      if (
        mesh.coordinates[3 * (conn[0] as number) + 1] === 0 &&
        mesh.coordinates[3 * (conn[1] as number) + 1] === 0 &&
        mesh.coordinates[3 * (conn[5] as number) + 1] === 0
      )
        film.push(`${e + 1},F3,293,100`);
    }
    const inp = [
      "*NODE, NSET=NALL",
      nodeLines(mesh),
      "*ELEMENT, TYPE=DC3D8, ELSET=EALL",
      elementLines(mesh, 8),
      "*NSET, NSET=HOT",
      setLines(mesh.nodeSets.get("xmin")!),
      "*NSET, NSET=COLD",
      setLines(mesh.nodeSets.get("xmax")!),
      `*NSET, NSET=PROBE`,
      `${probe + 1}`,
      "*MATERIAL, NAME=STEEL",
      "*CONDUCTIVITY",
      "50",
      "*DENSITY",
      "7850",
      "*SPECIFIC HEAT",
      "460",
      "*SOLID SECTION, ELSET=EALL, MATERIAL=STEEL",
      "*INITIAL CONDITIONS, TYPE=TEMPERATURE",
      "NALL,293",
      "*STEP",
      `*HEAT TRANSFER, STEADY STATE, SOLVER=${ccxHeatSolver}`,
      "1,1",
      "*BOUNDARY",
      "HOT,11,11,400",
      "COLD,11,11,300",
      "*FILM",
      film.join("\n"),
      "*NODE PRINT, NSET=PROBE",
      "NT",
      "*END STEP",
      "",
    ].join("\n");
    log(`  running ccx (${ccxHeatSolver})`);
    const run = runCcx(inp);
    if (run) {
      ccxSolveSeconds = run.seconds;
      ccxCpuSeconds = run.cpuSeconds;
      ccxPeakRssMB = run.peakRssMB;
      ccxProbe = datMean(run.dat, 1);
    }
  }
  const solveSeconds = (t2 - t1) / 1000;
  const probeT = result.temperatureK[probe] as number;
  console.log(
    JSON.stringify({
      case: `heat-cube-${n}^3`,
      element: "hex8",
      preconditioner: result.provenance.solver.preconditioner,
      dofs: mesh.nodeCount,
      assemblySeconds: (t1 - t0) / 1000,
      solveSeconds,
      solveCpuSeconds,
      iterations: result.provenance.solver.iterations,
      secondsPerIteration: solveSeconds / Math.max(1, result.provenance.solver.iterations),
      peakRssMB: peakRssMB(),
      tipDeflection: null,
      probeTemperatureK: probeT,
      ccxSolver: ccx ? ccxHeatSolver : null,
      ccxSolveSeconds,
      ccxCpuSeconds,
      ccxPeakRssMB,
      ccxTipDeflection: null,
      ccxProbeTemperatureK: ccxProbe,
      timeRatio: ccxSolveSeconds === null ? null : solveSeconds / ccxSolveSeconds,
      deflectionDiff: ccxProbe === null ? null : Math.abs(probeT - ccxProbe) / Math.abs(ccxProbe),
    }),
  );
}

function main(): void {
  const ccx = hasCcx() && !process.argv.includes("--no-ccx");
  log(ccx ? "ccx found: comparing with CalculiX" : "ccx not found: ccx fields are null");
  // Cubic elements; the largest has 501·26·26·3 = 1 016 028 dofs.
  const beams: [number, number][] =
    argValue("--beams")
      ?.split(",")
      .map((size) => size.split("x").map(Number) as [number, number]) ??
    (quick
      ? [
          [40, 2],
          [80, 4],
          [160, 8],
        ]
      : [
          [100, 5],
          [240, 12],
          [500, 25],
        ]);
  const only = argValue("--only");
  if (!process.argv.includes("--only") || only === "cantilever") for (const [nx, n] of beams) cantilever(nx, n, ccx);
  if (!process.argv.includes("--only") || only === "heat") heatCube(quick ? 20 : 100, ccx);
}

main();
