/**
 * Explicit-dynamics benchmark. One JSON object per line on stdout, progress on stderr:
 * {"case","elements","steps","stepsPerSecond","peakRssMB","ccxSeconds","peakForceDiff", …}.
 *
 * Cases:
 * - `bar-<n>`: an elastic epoxy bar, 40 one-millimetre cells long with a square section of about
 *   100k or 1M Hex8 cells; its x = L face is driven at 1 m/s (half-sine ramp over half a wave
 *   transit), x = 0 is fixed, the side faces are rollers (uniaxial strain, so both codes see the
 *   same one-dimensional wave and no hourglass modes). Run for 2.2 transits (the wave reflects
 *   at the fixed face: reaction ≈ 2ρc·v·A); a 16k bar is added as a quick CalculiX check. Where CalculiX `ccx` is on the PATH the same mesh
 *   and loading run with *DYNAMIC, EXPLICIT (C3D8R, the displacement of the driven face as an
 *   amplitude table), single-threaded; its reaction-force totals at the fixed face are compared
 *   with ours (peakForceDiff = |ours − ccx| / ccx at the peak).
 * - `plate-impact-100k`: the CLI's epoxy plate (0.1 × 0.1 × 0.005 m, J2, erosion) hit by a 1 kg
 *   sphere at 5 m/s, 160 × 160 × 4 cells, a fixed number of steps (throughput of the full
 *   impact path: contact, plasticity, failure checks). No ccx counterpart.
 *
 * CalculiX needs about 1.2 ms of CPU per element for this run (230 increments; measured 2.9 s
 * for 4k elements, 12 s for 16k, 123 s for 100k), so the 1M bar would take it ~20 CPU minutes:
 * ccx runs only on bars up to --ccx-max-elements (default 200000) and is stopped after
 * --ccx-timeout seconds (default 1800); skipped runs report ccxSeconds null. ccxCpuSeconds
 * (GNU time) and our cpuSeconds are given beside the wall times, which a busy machine inflates.
 *
 * Usage: npm run bench:impact [-- --quick] [-- --no-ccx] [-- --only bar|plate]
 *        [-- --ccx-max-elements N] [-- --ccx-timeout S] [-- --sections 20,50,158]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { boxMesh, explicitMaterial, solveExplicit, solvePlateImpact, type Mesh } from "../src/engine/fem/index";

const quick = process.argv.includes("--quick");
const argValue = (name: string, fallback: number): number =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback;
const ccxMaxElements = argValue("--ccx-max-elements", 200_000);
const ccxTimeoutS = argValue("--ccx-timeout", 1800);
const log = (msg: string): void => void process.stderr.write(`[impact.bench] ${msg}\n`);
const peakRssMB = (): number => process.resourceUsage().maxRSS / 1024;

function hasCcx(): boolean {
  const r = spawnSync("sh", ["-c", "command -v ccx"], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim().length > 0;
}

const E = 3.5e9;
const nu = 0.35;
const rho = 1200;
const v0 = 1;
const cellM = 1e-3;
const nx = 40;

/** CalculiX reads at most 20 characters per field. */
const num = (value: number): string => value.toExponential(10);

function ccxInput(mesh: Mesh, rampS: number, durationS: number): string {
  const lines: string[] = ["*NODE"];
  for (let n = 0; n < mesh.nodeCount; n++)
    lines.push(
      `${n + 1},${num(mesh.coordinates[3 * n]!)},${num(mesh.coordinates[3 * n + 1]!)},${num(mesh.coordinates[3 * n + 2]!)}`,
    );
  lines.push("*ELEMENT, TYPE=C3D8R, ELSET=EALL");
  for (let e = 0; e < mesh.elementCount; e++) {
    const c = mesh.connectivity.subarray(8 * e, 8 * e + 8);
    lines.push(`${e + 1},${Array.from(c, (n) => n + 1).join(",")}`);
  }
  const set = (name: string, ...sets: string[]): void => {
    const ids = [...new Set(sets.flatMap((s) => Array.from(mesh.nodeSets.get(s) as Int32Array, (n) => n + 1)))].sort(
      (a, b) => a - b,
    );
    lines.push(`*NSET, NSET=${name}`);
    for (let i = 0; i < ids.length; i += 16) lines.push(ids.slice(i, i + 16).join(","));
  };
  set("FIX", "xmin");
  set("MOVE", "xmax");
  set("YSIDES", "ymin", "ymax");
  set("ZSIDES", "zmin", "zmax");
  // Displacement of the driven face: the integral of the half-sine velocity ramp, then linear.
  const amp: string[] = [];
  const samples = 40;
  for (let i = 0; i <= samples; i++) {
    const t = (rampS * i) / samples;
    amp.push(`${num(t)},${num(v0 * (t / 2 - (rampS / (2 * Math.PI)) * Math.sin((Math.PI * t) / rampS)))}`);
  }
  amp.push(`${num(durationS * 1.01)},${num(v0 * (rampS / 2 + (durationS * 1.01 - rampS)))}`);
  lines.push(
    "*MATERIAL, NAME=EPOXY",
    "*ELASTIC",
    `${E},${nu}`,
    "*DENSITY",
    `${rho}`,
    "*SOLID SECTION, ELSET=EALL, MATERIAL=EPOXY",
    "*AMPLITUDE, NAME=DRIVE",
    ...amp,
    "*STEP, INC=10000000",
    "*DYNAMIC, EXPLICIT",
    `${num(durationS / 1000)},${num(durationS)}`,
    "*BOUNDARY",
    "FIX,1,1",
    "YSIDES,2,2",
    "ZSIDES,3,3",
    "*BOUNDARY, AMPLITUDE=DRIVE",
    "MOVE,1,1,1.0",
    "*NODE PRINT, NSET=FIX, TOTALS=ONLY, FREQUENCY=1",
    "RF",
    "*END STEP",
    "",
  );
  return lines.join("\n");
}

/** Runs ccx in a fresh directory; wall seconds and the largest |total RF_x| of the .dat file. */
function runCcx(
  input: string,
): { seconds: number; cpuSeconds: number | null; peakForceN: number; increments: number } | null {
  const dir = mkdtempSync(path.join(tmpdir(), "impact-bench-ccx-"));
  try {
    writeFileSync(path.join(dir, "job.inp"), input);
    const t0 = performance.now();
    // GNU time, when present, gives ccx's own CPU seconds (wall time is inflated on a busy machine).
    const timed = existsSync("/usr/bin/time");
    const run = spawnSync(
      timed ? "/usr/bin/time" : "ccx",
      timed ? ["-f", "%U %S", "-o", "time.txt", "ccx", "-i", "job"] : ["-i", "job"],
      {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, OMP_NUM_THREADS: "1", CCX_NPROC_EQUATION_SOLVER: "1" },
        maxBuffer: 1 << 28,
        timeout: ccxTimeoutS * 1000,
      },
    );
    const seconds = (performance.now() - t0) / 1000;
    if (run.status !== 0) {
      log(
        `  ccx failed (exit ${run.status}): ${(run.stdout ?? "")
          .split("\n")
          .filter((l) => /error/i.test(l))
          .slice(0, 3)
          .join(" | ")}`,
      );
      return null;
    }
    const datFile = path.join(dir, "job.dat");
    const dat = existsSync(datFile) ? readFileSync(datFile, "utf8").split("\n") : [];
    let peak = 0;
    let increments = 0;
    for (let i = 0; i < dat.length; i++) {
      if (!/total force/.test(dat[i] as string)) continue;
      const values = (dat[i + 2] ?? "").trim().split(/\s+/).map(Number);
      increments++;
      if (Number.isFinite(values[0])) peak = Math.max(peak, Math.abs(values[0] as number));
    }
    const timeFile = path.join(dir, "time.txt");
    const cpu =
      timed && existsSync(timeFile)
        ? readFileSync(timeFile, "utf8").trim().split("\n").at(-1)!.split(/\s+/).map(Number)
        : [];
    const cpuSeconds = cpu.length === 2 && cpu.every(Number.isFinite) ? cpu[0]! + cpu[1]! : null;
    return { seconds, cpuSeconds, peakForceN: peak, increments };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function bar(section: number, ccx: boolean): void {
  const mesh = boxMesh({
    lengthM: nx * cellM,
    widthM: section * cellM,
    heightM: section * cellM,
    nx,
    ny: section,
    nz: section,
    shape: "hex8",
  });
  const material = explicitMaterial({ youngsModulusPa: E, poissonRatio: nu, densityKgM3: rho });
  const c = Math.sqrt(material.pWaveModulusPa / rho);
  const transitS = (nx * cellM) / c;
  const rampS = 0.5 * transitS;
  const durationS = 2.2 * transitS;
  const drive = (t: number): number => (t < rampS ? 0.5 * v0 * (1 - Math.cos((Math.PI * t) / rampS)) : v0);
  log(`bar ${nx}x${section}x${section}: ${mesh.elementCount} hex8, ${3 * mesh.nodeCount} dofs`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = solveExplicit(
    {
      mesh,
      material,
      prescribed: [
        { nodes: "xmin", component: "x", velocityMPerS: 0 },
        { nodes: "xmax", component: "x", velocityMPerS: drive },
        { nodes: "ymin", component: "y", velocityMPerS: 0 },
        { nodes: "ymax", component: "y", velocityMPerS: 0 },
        { nodes: "zmin", component: "z", velocityMPerS: 0 },
        { nodes: "zmax", component: "z", velocityMPerS: 0 },
      ],
    },
    { durationS, outputEvery: 1, onProgress: (e) => log(`  step ${e.iteration}`), progressEvery: 50 },
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const peakForceN = Math.max(...r.history.reactionN[0]!.map(Math.abs));
  const analyticN = 2 * rho * c * v0 * (section * cellM) ** 2;
  let ccxSeconds: number | null = null;
  let ccxPeak: number | null = null;
  let ccxIncrements: number | null = null;
  let ccxCpuSeconds: number | null = null;
  if (ccx && mesh.elementCount > ccxMaxElements)
    log(`  ccx skipped: ${mesh.elementCount} elements > --ccx-max-elements ${ccxMaxElements}`);
  else if (ccx) {
    log("  running ccx *DYNAMIC, EXPLICIT (single thread)");
    const run = runCcx(ccxInput(mesh, rampS, durationS));
    if (run) {
      ccxSeconds = run.seconds;
      ccxPeak = run.peakForceN;
      ccxIncrements = run.increments;
      ccxCpuSeconds = run.cpuSeconds;
    }
  }
  console.log(
    JSON.stringify({
      case: `bar-${mesh.elementCount}`,
      elements: mesh.elementCount,
      steps: r.steps,
      stepsPerSecond: r.steps / seconds,
      peakRssMB: peakRssMB(),
      ccxSeconds,
      peakForceDiff: ccxPeak === null ? null : Math.abs(peakForceN - ccxPeak) / ccxPeak,
      seconds,
      // Our CPU seconds: on a loaded machine wall time overstates the cost.
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakForceN,
      ccxPeakForceN: ccxPeak,
      ccxIncrements,
      ccxCpuSeconds,
      analyticPlateauN: analyticN,
      rssBytesPerElement: (peakRssMB() * 1024 * 1024) / mesh.elementCount,
    }),
  );
}

function plate(): void {
  const steps = quick ? 20 : 50;
  const cells: [number, number, number] = quick ? [40, 40, 4] : [160, 160, 4];
  log(`plate impact ${cells.join("x")}, ${steps} steps`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const solved = solvePlateImpact(
    {
      plate: { lengthM: 0.1, widthM: 0.1, thicknessM: 0.005 },
      cells,
      material: {
        youngsModulusPa: E,
        poissonRatio: nu,
        densityKgM3: rho,
        yieldStressPa: 60e6,
        hardening: { kind: "linear", modulusPa: 300e6 },
      },
      failure: { kind: "principal-strain", limit: 0.05 },
      striker: { shape: "sphere", radiusM: 0.01, massKg: 1, speedMPerS: 5 },
      durationS: 1e-3,
    },
    { maxSteps: steps },
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  console.log(
    JSON.stringify({
      case: `plate-impact-${solved.mesh.elementCount}`,
      elements: solved.mesh.elementCount,
      steps: solved.result.steps,
      stepsPerSecond: solved.result.steps / seconds,
      peakRssMB: peakRssMB(),
      ccxSeconds: null,
      peakForceDiff: null,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakForceN: solved.summary.peakForceN,
    }),
  );
}

function main(): void {
  const ccx = hasCcx() && !process.argv.includes("--no-ccx");
  log(ccx ? "ccx found: comparing the bar with CalculiX explicit" : "ccx not found: ccx fields are null");
  const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
  const sections = process.argv.includes("--sections")
    ? (process.argv[process.argv.indexOf("--sections") + 1] ?? "").split(",").map(Number)
    : quick
      ? [10, 20]
      : [20, 50, 158];
  if (sections.some((s) => !Number.isInteger(s) || s < 1))
    throw new Error("--sections takes a comma-separated list of positive integers (cells across the bar)");
  if (!only || only === "bar") for (const s of sections) bar(s, ccx);
  if (!only || only === "plate") plate();
}

main();
