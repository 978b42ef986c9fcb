/**
 * Finite-element benchmark: steel cantilever (1 m × 0.05 m × 0.05 m, 1 kN tip load, Hex20)
 * at three refinements up to > 1 M dofs, and a heat-conduction cube (Hex8) with > 1 M
 * unknowns. One JSON object per line on stdout; progress on stderr. Where CalculiX `ccx`
 * is on the PATH the same mesh, supports and nodal loads are written as a CalculiX input,
 * run, and compared (ccx* fields are null without it).
 *
 * Usage: npm run bench:fem [-- --quick] [-- --only cantilever|heat] [-- --no-ccx]
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
} from "../src/engine/fem/index";

const quick = process.argv.includes("--quick");
const log = (msg: string): void => void process.stderr.write(`[fem.bench] ${msg}\n`);
const peakRssMB = (): number => process.resourceUsage().maxRSS / 1024;

function hasCcx(): boolean {
  const r = spawnSync("sh", ["-c", "command -v ccx"], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim().length > 0;
}

function nodeLines(mesh: Mesh): string {
  const lines: string[] = [];
  for (let n = 0; n < mesh.nodeCount; n++) lines.push(`${n + 1},${mesh.coordinates[3 * n]},${mesh.coordinates[3 * n + 1]},${mesh.coordinates[3 * n + 2]}`);
  return lines.join("\n");
}

function elementLines(mesh: Mesh, npe: number): string {
  // CalculiX wants at most 16 entries per line; continuation lines end with a comma.
  const lines: string[] = [];
  for (let e = 0; e < mesh.elementCount; e++) {
    const ids = [e + 1, ...Array.from(mesh.connectivity.subarray(e * npe, e * npe + npe), (n) => n + 1)];
    for (let i = 0; i < ids.length; i += 15) lines.push(ids.slice(i, i + 15).join(",") + (i + 15 < ids.length ? "," : ""));
  }
  return lines.join("\n");
}

function setLines(nodes: Int32Array): string {
  const ids = Array.from(nodes, (n) => n + 1);
  const lines: string[] = [];
  for (let i = 0; i < ids.length; i += 16) lines.push(ids.slice(i, i + 16).join(","));
  return lines.join("\n");
}

/** Runs ccx on `job.inp` in a fresh directory; returns wall seconds and the .dat text. */
function runCcx(input: string): { seconds: number; dat: string } | null {
  const dir = mkdtempSync(path.join(tmpdir(), "fem-bench-ccx-"));
  try {
    writeFileSync(path.join(dir, "job.inp"), input);
    const t0 = performance.now();
    const run = spawnSync("ccx", ["-i", "job"], { cwd: dir, encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1" }, maxBuffer: 1 << 28 });
    if (run.status !== 0) {
      log(`  ccx failed (exit ${run.status}): ${(run.stdout ?? "").split("\n").filter((l) => /error/i.test(l)).slice(0, 3).join(" | ")}`);
      return null;
    }
    const seconds = (performance.now() - t0) / 1000;
    const datFile = path.join(dir, "job.dat");
    return { seconds, dat: existsSync(datFile) ? readFileSync(datFile, "utf8") : "" };
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
  const mesh = cantileverMesh({ lengthM: 1, widthM: b, heightM: b, nx, ny: n, nz: n, shape: "hex20" });
  const model = {
    mesh,
    element: "hex20" as const,
    material: isotropicElastic({ youngsModulusPa: E, poissonRatio: nu }),
    supports: [fixed("fixed")],
    loads: [{ kind: "traction" as const, faces: "tip", tractionPa: [0, 0, -P / (b * b)] as const }],
  };
  log(`cantilever hex20 ${nx}x${n}x${n}: ${3 * mesh.nodeCount} dofs, assembling`);
  const t0 = performance.now();
  const system = assembleElastic(model);
  const t1 = performance.now();
  const solution = solveAssembledElastic(system, {
    preconditioner: "ic0",
    tolerance: 1e-8,
    maxIterations: 50_000,
    onProgress: (e) => {
      if (e.stage === "solve" && (e.iteration ?? 0) % 500 === 0) log(`  iteration ${e.iteration}, residual ${e.relativeResidual?.toExponential(2)}`);
    },
  });
  const t2 = performance.now();
  const tip = mesh.nodeSets.get("tip") as Int32Array;
  let uz = 0;
  for (const node of tip) uz += solution.displacementM[3 * node + 2] as number;
  const tipDeflection = -uz / tip.length;
  let ccxSolveSeconds: number | null = null;
  let ccxTipDeflection: number | null = null;
  if (ccx) {
    // Same consistent nodal loads as ours (from the traction), applied as *CLOAD.
    const loads: string[] = [];
    for (const node of tip) {
      const fz = system.loadVector[3 * node + 2] as number;
      if (fz !== 0) loads.push(`${node + 1},3,${fz}`);
    }
    const solver = system.dofs > 300_000 ? "ITERATIVE CHOLESKY" : "SPOOLES";
    const inp = [
      "*NODE", nodeLines(mesh),
      "*ELEMENT, TYPE=C3D20, ELSET=EALL", elementLines(mesh, 20),
      "*NSET, NSET=FIXED", setLines(mesh.nodeSets.get("fixed") as Int32Array),
      "*NSET, NSET=TIP", setLines(tip),
      "*MATERIAL, NAME=STEEL", "*ELASTIC", `${E},${nu}`,
      "*SOLID SECTION, ELSET=EALL, MATERIAL=STEEL",
      "*BOUNDARY", "FIXED,1,3",
      `*STEP`, `*STATIC, SOLVER=${solver}`,
      "*CLOAD", loads.join("\n"),
      "*NODE PRINT, NSET=TIP", "U",
      "*END STEP", "",
    ].join("\n");
    log(`  running ccx (${solver})`);
    const run = runCcx(inp);
    if (run) {
      ccxSolveSeconds = run.seconds;
      ccxTipDeflection = -datMean(run.dat, 3);
    }
  }
  const solveSeconds = (t2 - t1) / 1000;
  console.log(
    JSON.stringify({
      case: `cantilever-${nx}x${n}x${n}`,
      element: "hex20",
      dofs: system.dofs,
      assemblySeconds: (t1 - t0) / 1000,
      solveSeconds,
      iterations: solution.solver.iterations,
      secondsPerIteration: solveSeconds / Math.max(1, solution.solver.iterations),
      peakRssMB: peakRssMB(),
      tipDeflection,
      ccxSolveSeconds,
      ccxTipDeflection,
      timeRatio: ccxSolveSeconds === null ? null : solveSeconds / ccxSolveSeconds,
      deflectionDiff: ccxTipDeflection === null ? null : Math.abs(tipDeflection - ccxTipDeflection) / Math.abs(ccxTipDeflection),
    }),
  );
}

function heatCube(n: number, ccx: boolean): void {
  const mesh = boxMesh({ lengthM: 0.1, widthM: 0.1, heightM: 0.1, nx: n, ny: n, nz: n, shape: "hex8" });
  const model = {
    mesh,
    material: thermalMaterial({ conductivityWPerMK: 50, densityKgM3: 7850, heatCapacityJPerKgK: 460 }),
    fixedTemperatures: [{ nodes: "xmin", temperatureK: 400 }, { nodes: "xmax", temperatureK: 300 }],
    convection: [{ faces: "ymin", coefficientWPerM2K: 100, ambientK: 293 }],
  };
  log(`heat cube hex8 ${n}^3: ${mesh.nodeCount} unknowns`);
  const t0 = performance.now();
  const system = assembleHeat(model, false);
  const t1 = performance.now();
  const { result } = solveHeatSystem(system, { preconditioner: "ic0", tolerance: 1e-8, maxIterations: 50_000 });
  const t2 = performance.now();
  // Probe: the node nearest the cube centre.
  const probe = Math.floor(n / 2) + (n + 1) * (Math.floor(n / 2) + (n + 1) * Math.floor(n / 2));
  let ccxSolveSeconds: number | null = null;
  let ccxProbe: number | null = null;
  if (ccx) {
    const film: string[] = [];
    // Face ymin of a C3D8/DC3D8 brick is CalculiX face S3 (nodes 1-2-6-5).
    for (let e = 0; e < mesh.elementCount; e++) {
      const conn = mesh.connectivity.subarray(8 * e, 8 * e + 8);
      if (mesh.coordinates[3 * (conn[0] as number) + 1] === 0 && mesh.coordinates[3 * (conn[1] as number) + 1] === 0 && mesh.coordinates[3 * (conn[5] as number) + 1] === 0)
        film.push(`${e + 1},F3,293,100`);
    }
    const inp = [
      "*NODE, NSET=NALL", nodeLines(mesh),
      "*ELEMENT, TYPE=DC3D8, ELSET=EALL", elementLines(mesh, 8),
      "*NSET, NSET=HOT", setLines(mesh.nodeSets.get("xmin")!),
      "*NSET, NSET=COLD", setLines(mesh.nodeSets.get("xmax")!),
      `*NSET, NSET=PROBE`, `${probe + 1}`,
      "*MATERIAL, NAME=STEEL", "*CONDUCTIVITY", "50", "*DENSITY", "7850", "*SPECIFIC HEAT", "460",
      "*SOLID SECTION, ELSET=EALL, MATERIAL=STEEL",
      "*INITIAL CONDITIONS, TYPE=TEMPERATURE", "NALL,293",
      "*STEP", "*HEAT TRANSFER, STEADY STATE, SOLVER=ITERATIVE CHOLESKY", "1,1",
      "*BOUNDARY", "HOT,11,11,400", "COLD,11,11,300",
      "*FILM", film.join("\n"),
      "*NODE PRINT, NSET=PROBE", "NT",
      "*END STEP", "",
    ].join("\n");
    log("  running ccx (ITERATIVE CHOLESKY)");
    const run = runCcx(inp);
    if (run) {
      ccxSolveSeconds = run.seconds;
      ccxProbe = datMean(run.dat, 1);
    }
  }
  const solveSeconds = (t2 - t1) / 1000;
  const probeT = result.temperatureK[probe] as number;
  console.log(
    JSON.stringify({
      case: `heat-cube-${n}^3`,
      element: "hex8",
      dofs: mesh.nodeCount,
      assemblySeconds: (t1 - t0) / 1000,
      solveSeconds,
      iterations: result.provenance.solver.iterations,
      secondsPerIteration: solveSeconds / Math.max(1, result.provenance.solver.iterations),
      peakRssMB: peakRssMB(),
      tipDeflection: null,
      probeTemperatureK: probeT,
      ccxSolveSeconds,
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
  const beams: [number, number][] = quick ? [[20, 2], [40, 4], [80, 8]] : [[40, 4], [100, 10], [200, 20]];
  const only = process.argv[process.argv.indexOf("--only") + 1];
  if (!process.argv.includes("--only") || only === "cantilever") for (const [nx, n] of beams) cantilever(nx, n, ccx);
  if (!process.argv.includes("--only") || only === "heat") heatCube(quick ? 20 : 100, ccx);
}

main();
