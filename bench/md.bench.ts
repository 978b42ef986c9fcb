/**
 * MD engine throughput: atom-steps per second for
 *   (a) LJ fluid, N = 32,000, ρ* = 0.8442, T* = 1.44, r_c = 2.5σ, skin 0.3σ, dt = 0.005τ (NVE);
 *   (b) EAM Cu (Cu_u3.eam), N = 32,000 fcc, 300 K, dt = 1 fs, skin 1 Å (NVE);
 * each with 1 and 2 force threads (`threads`, worker_threads). When the LAMMPS binary
 * `lmp` is on PATH the same systems are run with it, on one MPI rank for threads 1 and
 * (if mpirun exists) two ranks for threads 2 — this Debian build has no OPENMP package —
 * and the ratio ours/LAMMPS is printed; otherwise those fields are null.
 *
 * Every measurement runs in a fresh child process, so that its peak RSS belongs to that
 * case alone: peakRssBytesPerAtom = (peak RSS − RSS before the system was built) / atoms,
 * worker isolates included. engineBytesPerAtom counts the engine's typed arrays only.
 * The machine is shared: repeats alternate 1 and 2 threads, the best of each is kept,
 * and the 1-minute load average before and after is printed with each row.
 * cpuMicrosecondsPerAtomStep (all threads) shows the cost of parallelism apart from load.
 * One JSON object per line on stdout; progress on stderr.
 * Usage: npm run bench:md [-- --steps 500 --repeats 3 --threads 1,2]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Simulation } from "../src/engine/md/core/simulation";
import { LJ_UNITS } from "../src/engine/md/core/units";
import { VelocityVerlet } from "../src/engine/md/dynamics/velocity-verlet.integrator";
import { buildSupercell, prototypeCell } from "../src/engine/md/lattice";
import { ljSingle, loadPotential } from "../src/engine/md/potentials";

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

interface Case {
  sim: Simulation;
  dt: number;
}

interface CaseSpec {
  name: string;
  make: (threads: number) => Case;
  lammpsInput: (steps: number) => string;
}

const STEPS = Number(arg("steps", "500"));
const WARMUP = 50;
const root = repoRoot();
const sharedDir = process.env["MATGRAPH_SHARED_DATA"] ?? path.resolve(root, "..", "shared", "data");
const cuFile = path.join(sharedDir, "potentials", "Cu_u3.eam");

const LJ: CaseSpec = {
  name: "lj-fluid",
  make: (threads) => {
    const rho = 0.8442;
    const a = Math.cbrt(4 / rho);
    const sys = buildSupercell(prototypeCell("fcc", { a, species: ["X"] }), { repeat: [20, 20, 20], masses: { X: 1 } });
    const sim = new Simulation(sys, ljSingle("X", 1, 1, 2.5, false, 1), { units: LJ_UNITS, skin: 0.3, threads });
    sim.initVelocities(1.44, 87287);
    return { sim, dt: 0.005 };
  },
  lammpsInput: (steps) => `units lj
atom_style atomic
lattice fcc 0.8442
region box block 0 20 0 20 0 20
create_box 1 box
create_atoms 1 box
mass 1 1.0
velocity all create 1.44 87287 loop geom
pair_style lj/cut 2.5
pair_coeff 1 1 1.0 1.0 2.5
neighbor 0.3 bin
neigh_modify delay 0 every 1 check yes
fix 1 all nve
timestep 0.005
thermo 100
run ${steps}
`,
};

const EAM: CaseSpec = {
  name: "eam-cu",
  make: (threads) => {
    const pot = loadPotential(readFileSync(cuFile, "utf8"), "Cu_u3.eam");
    const sys = buildSupercell(prototypeCell("fcc", { a: 3.615, species: ["Cu"] }), {
      repeat: [20, 20, 20],
      masses: pot.masses,
    });
    const sim = new Simulation(sys, pot, { skin: 1.0, threads });
    sim.initVelocities(300, 376847);
    return { sim, dt: 0.001 };
  },
  lammpsInput: (steps) => `units metal
atom_style atomic
lattice fcc 3.615
region box block 0 20 0 20 0 20
create_box 1 box
create_atoms 1 box
pair_style eam
pair_coeff 1 1 ${cuFile}
velocity all create 300.0 376847 loop geom
neighbor 1.0 bin
neigh_modify delay 0 every 1 check yes
fix 1 all nve
timestep 0.001
thermo 100
run ${steps}
`,
};

function commandPath(name: string): string | null {
  const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : null;
}

/** LAMMPS atom-steps/s on `ranks` MPI ranks (one thread each), or null if it cannot run. */
function runLammps(lmp: string, mpirun: string | null, ranks: number, input: string, atoms: number): number | null {
  if (ranks > 1 && !mpirun) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), "matgraph-md-bench-"));
  try {
    const inFile = path.join(dir, "in.bench");
    const log = path.join(dir, "log.lammps");
    writeFileSync(inFile, input);
    const lmpArgs = ["-in", inFile, "-log", log, "-screen", "none"];
    const [cmd, args] =
      ranks > 1
        ? [mpirun!, ["-np", String(ranks), "--oversubscribe", "--allow-run-as-root", lmp, ...lmpArgs]]
        : [lmp, lmpArgs];
    execFileSync(cmd, args, {
      cwd: dir,
      env: { ...process.env, OMP_NUM_THREADS: "1" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const m = /Loop time of ([0-9.eE+-]+) on (\d+) procs for (\d+) steps with (\d+) atoms/.exec(
      readFileSync(log, "utf8"),
    );
    if (!m || Number(m[2]) !== ranks) return null;
    return (atoms * Number(m[3])) / Number(m[1]);
  } catch (e) {
    console.error("LAMMPS run failed:", e instanceof Error ? e.message : e);
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ChildResult {
  atoms: number;
  atomStepsPerSecond: number;
  neighborBuilds: number;
  engineBytesPerAtom: number;
  peakRssBytesPerAtom: number;
  /** CPU time of all threads of the process per atom-step (µs): parallel overhead shows here, load does not. */
  cpuMicrosecondsPerAtomStep: number;
}

/** One timed run in this (child) process: build, warm up, time STEPS steps, report memory. */
async function runChild(spec: CaseSpec, threads: number): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  const c = spec.make(threads);
  const vv = new VelocityVerlet(c.sim, { dt: c.dt });
  for (let s = 0; s < WARMUP; s++) vv.step();
  const atoms = c.sim.system.n;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let s = 0; s < STEPS; s++) {
    vv.step(s % 100 === 0);
    if (s % 100 === 0) console.error(`${spec.name} ×${threads}: step ${s}, T = ${c.sim.temperature().toFixed(3)}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const result: ChildResult = {
    atoms,
    atomStepsPerSecond: (atoms * STEPS) / seconds,
    neighborBuilds: c.sim.neighbors.builds,
    engineBytesPerAtom: Math.round(c.sim.memoryBytes() / atoms),
    peakRssBytesPerAtom: Math.round((peakRss - rssBefore) / atoms),
    cpuMicrosecondsPerAtomStep: Number(((cpu.user + cpu.system) / (atoms * STEPS)).toFixed(3)),
  };
  await c.sim.dispose();
  console.log(JSON.stringify(result));
}

function loadAverage(): number {
  return Number(os.loadavg()[0]!.toFixed(2));
}

function main(): void {
  const lmp = commandPath("lmp");
  const mpirun = lmp ? commandPath("mpirun") : null;
  const specs: CaseSpec[] = [LJ];
  if (existsSync(cuFile)) specs.push(EAM);
  else console.error("Cu_u3.eam not found in the shared data: skipping the EAM case");
  const repeats = Number(arg("repeats", "2"));
  const threadCounts = arg("threads", "1,2").split(",").map(Number);
  for (const spec of specs) {
    const loadBefore = loadAverage();
    const ours = new Map<number, ChildResult>();
    const lammps = new Map<number, number>();
    // Peak RSS varies with GC timing: report the largest seen, not the best run's.
    const peakRss = new Map<number, number>();
    // Repeats alternate thread counts so that a burst of load hits both alike;
    // the best of each is kept, as the least disturbed.
    for (let r = 0; r < repeats; r++) {
      for (const threads of threadCounts) {
        console.error(`${spec.name}: repeat ${r + 1}, ${threads} thread(s)`);
        const out = execFileSync(
          process.execPath,
          [__filename, "--child", spec.name, "--threads", String(threads), "--steps", String(STEPS)],
          { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
        );
        const res = JSON.parse(out.trim().split("\n").pop()!) as ChildResult;
        peakRss.set(threads, Math.max(peakRss.get(threads) ?? 0, res.peakRssBytesPerAtom));
        const best = ours.get(threads);
        if (!best || res.atomStepsPerSecond > best.atomStepsPerSecond) ours.set(threads, res);
        if (lmp) {
          const l = runLammps(lmp, mpirun, threads, spec.lammpsInput(STEPS), res.atoms);
          if (l !== null) lammps.set(threads, Math.max(lammps.get(threads) ?? 0, l));
        }
      }
    }
    const loadAfter = loadAverage();
    const single = ours.get(1);
    for (const threads of threadCounts) {
      const res = ours.get(threads)!;
      const l = lammps.get(threads) ?? null;
      console.log(
        JSON.stringify({
          case: spec.name,
          atoms: res.atoms,
          steps: STEPS,
          threads,
          atomStepsPerSecond: Math.round(res.atomStepsPerSecond),
          lammpsAtomStepsPerSecond: l === null ? null : Math.round(l),
          ratio: l === null ? null : Number((res.atomStepsPerSecond / l).toFixed(3)),
          speedup: single ? Number((res.atomStepsPerSecond / single.atomStepsPerSecond).toFixed(3)) : null,
          lammpsSpeedup: l !== null && lammps.get(1) ? Number((l / lammps.get(1)!).toFixed(3)) : null,
          lammpsParallelism: threads > 1 ? "mpi-ranks" : "serial",
          neighborBuilds: res.neighborBuilds,
          engineBytesPerAtom: res.engineBytesPerAtom,
          peakRssBytesPerAtom: peakRss.get(threads),
          cpuMicrosecondsPerAtomStep: res.cpuMicrosecondsPerAtomStep,
          repeats,
          loadAverage1m: [loadBefore, loadAfter],
        }),
      );
    }
  }
}

const childIndex = process.argv.indexOf("--child");
if (childIndex >= 0) {
  const name = process.argv[childIndex + 1];
  const spec = [LJ, EAM].find((c) => c.name === name);
  if (!spec) throw new Error(`unknown bench case ${name}`);
  void runChild(spec, Number(arg("threads", "1")));
} else {
  main();
}
