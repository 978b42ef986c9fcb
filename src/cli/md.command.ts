/**
 * `matgraph md …`: run the MD engine's protocols from the command line.
 *   md elastic --potential Cu_u3.eam [--element Cu] [--lattice fcc --a0 3.615] [--json]
 *   md thermal-conductivity --potential FILE --temperature 300 [--json]
 *   md melt --potential FILE --guess 1300 [--json]
 * thermal-conductivity and melt take --threads N (force computation on N threads).
 * Potential files are read here (the engine takes contents); *.eam is DYNAMO funcfl,
 * *.eam.alloy setfl, *.eam.fs Finnis–Sinclair. Units: Å, eV, GPa, K, W/m/K.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { Progress } from "../engine/md/core/run-control";
import { loadPotential, type Potential } from "../engine/md/potentials";
import { elasticConstants } from "../engine/md/protocols/elastic.protocol";
import { meltingTemperatureCoexistence } from "../engine/md/protocols/melting.protocol";
import { thermalConductivityGreenKubo } from "../engine/md/protocols/thermal-conductivity.protocol";
import type { CrystalSpec } from "../engine/md/protocols/crystal.protocol";

interface CommonOptions {
  potential: string;
  element?: string;
  lattice?: string;
  a0?: number;
  covera?: number;
  json?: boolean;
  progress?: boolean;
}

function positiveNumber(value: string): number {
  const v = Number(value);
  if (!Number.isFinite(v) || v <= 0) throw new InvalidArgumentError("expected a positive number");
  return v;
}

function positiveInt(value: string): number {
  const v = Number(value);
  if (!Number.isInteger(v) || v <= 0) throw new InvalidArgumentError("expected a positive integer");
  return v;
}

function repeatTriple(value: string): [number, number, number] {
  const parts = value.split(/[x,]/).map(Number);
  if (parts.length !== 3 || !parts.every((p) => Number.isInteger(p) && p > 0)) {
    throw new InvalidArgumentError('expected three positive integers, e.g. "6x6x6"');
  }
  return parts as [number, number, number];
}

function withCommon(cmd: Command): Command {
  return cmd
    .requiredOption("--potential <file>", "EAM potential file (*.eam, *.eam.alloy, *.eam.fs)")
    .option("--element <symbol>", "element to simulate (required for multi-element setfl/fs files)")
    .option("--lattice <name>", "crystal prototype: fcc, bcc, hcp, diamond (default: from the potential file)")
    .option("--a0 <angstrom>", "lattice constant guess in Å (default: from the potential file)", positiveNumber)
    .option("--covera <ratio>", "c/a for hcp", positiveNumber)
    .option("--json", "print one JSON object")
    .option("--progress", "report progress on stderr");
}

/** Options of the protocols that run dynamics (thermal conductivity, melting). */
function seedOption(): Option {
  return new Option("--seed <n>", "random seed").argParser(positiveInt).default(1);
}

function threadsOption(): Option {
  return new Option("--threads <n>", "threads for the force computation (worker_threads)")
    .argParser(positiveInt)
    .default(1);
}

function readPotential(cmd: Command, file: string): Potential {
  let contents: string;
  try {
    contents = readFileSync(file, "utf8");
  } catch (cause) {
    cmd.error(`cannot read potential file ${file}: ${(cause as Error).message}`, {
      exitCode: 2,
      code: "md.potentialFile",
    });
  }
  try {
    return loadPotential(contents, path.basename(file));
  } catch (cause) {
    cmd.error(`cannot load potential ${file}: ${(cause as Error).message}`, {
      exitCode: 2,
      code: "md.potentialFormat",
    });
  }
}

function specFor(
  cmd: Command,
  potential: Potential,
  opts: CommonOptions,
  repeat?: [number, number, number],
): CrystalSpec {
  let element = opts.element;
  if (!element) {
    if (potential.elements.length !== 1) {
      cmd.error(`${potential.name} covers ${potential.elements.join(", ")}: choose one with --element`, {
        exitCode: 2,
        code: "md.element",
      });
    }
    element = potential.elements[0]!;
  }
  if (!potential.elements.includes(element)) {
    cmd.error(
      `potential ${potential.name} does not cover element ${element} (covers: ${potential.elements.join(", ")})`,
      {
        exitCode: 2,
        code: "md.uncoveredElement",
      },
    );
  }
  const ref = potential.referenceLattice?.[element];
  const lattice = opts.lattice ?? ref?.lattice;
  const a0 = opts.a0 ?? ref?.a0;
  if (!lattice || !a0)
    cmd.error("give --lattice and --a0 (the potential file does not record them)", { exitCode: 2, code: "md.lattice" });
  return {
    lattice: lattice.toLowerCase(),
    a0,
    species: [element],
    ...(opts.covera !== undefined ? { covera: opts.covera } : {}),
    ...(repeat ? { repeat } : {}),
  };
}

function progressReporter(enabled: boolean | undefined): ((p: Progress) => void) | undefined {
  if (!enabled) return undefined;
  let last = "";
  return (p) => {
    const line = `${p.stage} ${(100 * p.fraction).toFixed(0)}%${p.temperatureK !== undefined ? ` T=${p.temperatureK.toFixed(0)} K` : ""}`;
    if (line !== last) process.stderr.write(line + "\n");
    last = line;
  };
}

function printTable(rows: [string, string, string][]): void {
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  process.stdout.write(rows.map(([k, v, u]) => `${k.padEnd(w0)}  ${v.padStart(w1)}  ${u}`).join("\n") + "\n");
}

const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

export function registerMdCommands(program: Command): void {
  const md = program
    .command("md")
    .description("molecular dynamics: elastic constants, thermal conductivity, melting point");

  withCommon(
    md.command("elastic").description("0 K lattice constant, cohesive energy and elastic constants (± finite strain)"),
  )
    .option("--strain <fraction>", "strain amplitude", positiveNumber, 0.005)
    .action(function (this: Command, opts: CommonOptions & { strain: number }) {
      const potential = readPotential(this, opts.potential);
      const spec = specFor(this, potential, opts);
      const onProgress = progressReporter(opts.progress);
      const r = elasticConstants(spec, potential, { strain: opts.strain, ...(onProgress ? { onProgress } : {}) });
      const out = {
        element: spec.species![0],
        lattice: spec.lattice,
        a0: round(r.a0, 6),
        cohesiveEnergy: round(r.cohesiveEnergyEvPerAtom, 6),
        C11: round(r.C11, 3),
        C12: round(r.C12, 3),
        C44: round(r.C44, 3),
        bulkModulus: round(r.moduli.bulkHill, 3),
        shearModulus: round(r.moduli.shearHill, 3),
        youngsModulus: round(r.moduli.youngsHill, 3),
        poissonRatio: round(r.moduli.poissonHill, 4),
        stiffness: r.stiffnessGPa.map((row) => row.map((c) => round(c, 3))),
        provenance: r.provenance,
      };
      if (opts.json) {
        process.stdout.write(JSON.stringify(out) + "\n");
        return;
      }
      printTable([
        ["element", `${out.element} (${out.lattice})`, ""],
        ["a0", out.a0.toFixed(4), "Å"],
        ["cohesive energy", out.cohesiveEnergy.toFixed(4), "eV/atom"],
        ["C11", out.C11.toFixed(2), "GPa"],
        ["C12", out.C12.toFixed(2), "GPa"],
        ["C44", out.C44.toFixed(2), "GPa"],
        ["bulk modulus (Hill)", out.bulkModulus.toFixed(2), "GPa"],
        ["shear modulus (Hill)", out.shearModulus.toFixed(2), "GPa"],
        ["Young's modulus", out.youngsModulus.toFixed(2), "GPa"],
        ["Poisson ratio", out.poissonRatio.toFixed(4), ""],
        ["potential sha256", r.provenance.potential.sha256?.slice(0, 16) ?? "-", ""],
      ]);
    });

  withCommon(
    md
      .command("thermal-conductivity")
      .description("lattice thermal conductivity by Green–Kubo (independent runs give the uncertainty)"),
  )
    .addOption(new Option("--temperature <K>", "temperature").argParser(positiveNumber).default(300))
    .addOption(new Option("--steps <n>", "production steps per run").argParser(positiveInt).default(50_000))
    .addOption(new Option("--equilibration <n>", "equilibration steps per run").argParser(positiveInt).default(5000))
    .addOption(new Option("--runs <n>", "independent runs").argParser(positiveInt).default(3))
    .addOption(new Option("--correlation <ps>", "correlation window").argParser(positiveNumber).default(5))
    .addOption(
      new Option("--size <NxNxN>", "supercell of conventional cells").argParser(repeatTriple).default([6, 6, 6]),
    )
    .addOption(seedOption())
    .addOption(threadsOption())
    .action(function (
      this: Command,
      opts: CommonOptions & {
        temperature: number;
        steps: number;
        equilibration: number;
        runs: number;
        correlation: number;
        size: [number, number, number];
        seed: number;
        threads: number;
      },
    ) {
      const potential = readPotential(this, opts.potential);
      const spec = specFor(this, potential, opts, opts.size);
      const onProgress = progressReporter(opts.progress);
      const r = thermalConductivityGreenKubo(spec, potential, {
        temperatureK: opts.temperature,
        productionSteps: opts.steps,
        equilibrationSteps: opts.equilibration,
        runs: opts.runs,
        correlationTimePs: opts.correlation,
        seed: opts.seed,
        threads: opts.threads,
        ...(onProgress ? { onProgress } : {}),
      });
      const out = {
        method: r.method,
        temperature: r.temperatureK,
        thermalConductivity: round(r.thermalConductivityWPerMK, 4),
        uncertainty: Number.isFinite(r.uncertaintyWPerMK) ? round(r.uncertaintyWPerMK, 4) : null,
        perRun: r.perRunWPerMK.map((k) => round(k, 4)),
        provenance: r.provenance,
      };
      if (opts.json) {
        process.stdout.write(JSON.stringify(out) + "\n");
        return;
      }
      printTable([
        ["method", "Green–Kubo", ""],
        ["temperature", String(out.temperature), "K"],
        ["thermal conductivity", `${out.thermalConductivity} ± ${out.uncertainty ?? "n/a"}`, "W/m/K"],
        ["runs", out.perRun.join(", "), "W/m/K"],
      ]);
    });

  withCommon(md.command("melt").description("melting temperature by solid–liquid coexistence"))
    .addOption(new Option("--guess <K>", "starting temperature guess").argParser(positiveNumber).makeOptionMandatory())
    .addOption(new Option("--steps <n>", "coexistence (NPH) steps").argParser(positiveInt).default(20_000))
    .addOption(new Option("--equilibration <n>", "solid equilibration steps").argParser(positiveInt).default(4000))
    .addOption(
      new Option("--melt-steps <n>", "steps to melt, and to cool, the liquid half")
        .argParser(positiveInt)
        .default(4000),
    )
    .addOption(new Option("--attempts <n>", "retries when one phase takes over").argParser(positiveInt).default(3))
    .addOption(new Option("--size <NxNxN>", "supercell, long along c").argParser(repeatTriple).default([6, 6, 16]))
    .addOption(seedOption())
    .addOption(threadsOption())
    .action(function (
      this: Command,
      opts: CommonOptions & {
        guess: number;
        steps: number;
        equilibration: number;
        meltSteps: number;
        attempts: number;
        size: [number, number, number];
        seed: number;
        threads: number;
      },
    ) {
      const potential = readPotential(this, opts.potential);
      const spec = specFor(this, potential, opts, opts.size);
      const onProgress = progressReporter(opts.progress);
      const r = meltingTemperatureCoexistence(spec, potential, {
        temperatureGuessK: opts.guess,
        coexistenceSteps: opts.steps,
        equilibrationSteps: opts.equilibration,
        meltSteps: opts.meltSteps,
        maxAttempts: opts.attempts,
        seed: opts.seed,
        threads: opts.threads,
        ...(onProgress ? { onProgress } : {}),
      });
      const out = {
        method: r.method,
        meltingTemperature: round(r.meltingTemperatureK, 1),
        uncertainty: Number.isFinite(r.uncertaintyK) ? round(r.uncertaintyK, 1) : null,
        coexistence: r.coexistence,
        solidFraction: round(r.solidFraction, 3),
        pressureBar: round(r.pressureBar, 0),
        atoms: r.atoms,
        guesses: r.guessesK.map((g) => round(g, 1)),
        provenance: r.provenance,
      };
      if (opts.json) {
        process.stdout.write(JSON.stringify(out) + "\n");
        return;
      }
      printTable([
        ["method", "solid–liquid coexistence", ""],
        ["melting temperature", `${out.meltingTemperature} ± ${out.uncertainty ?? "n/a"}`, "K"],
        ["both phases present", out.coexistence ? "yes" : "NO (not a melting point)", ""],
        ["solid fraction", String(out.solidFraction), ""],
        ["atoms", String(out.atoms), ""],
      ]);
      if (!r.coexistence)
        process.stderr.write(
          "warning: coexistence was lost in every attempt; rerun with a better --guess or a larger --size\n",
        );
    });
}
