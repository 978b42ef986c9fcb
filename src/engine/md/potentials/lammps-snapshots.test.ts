/**
 * Energies, forces and virials against LAMMPS (snapshots.json: perturbed crystals
 * computed by LAMMPS 20220106 with Cu_u3.eam, Cu_mishin1.eam.alloy, Fe_mm.eam.fs and
 * lj/cut). Tolerances from the issue: total energy 1e-6 relative, every force
 * component 1e-5 eV/Å.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hasSharedData, sharedData, SKIP_REASON } from "../../../../tests/support/shared-data";
import { Box } from "../core/box";
import { METAL_UNITS } from "../core/units";
import { AtomSystem } from "../core/system";
import { NeighborList } from "../neighbor/neighbor-list";
import { ForceResult, ljSingle, loadPotential, type Potential } from "./index";

interface Snapshot {
  name: string;
  potential_file: string;
  box_lengths: [number, number, number];
  positions: number[][];
  forces: number[][];
  potential_energy: number;
  virial_pressure_bar: Record<"xx" | "yy" | "zz" | "xy" | "xz" | "yz", number>;
  volume: number;
}

describe.skipIf(!hasSharedData)("LAMMPS snapshots" + SKIP_REASON, () => {
  const snapshots: Snapshot[] = hasSharedData
    ? (JSON.parse(readFileSync(sharedData("reference", "md", "snapshots.json"), "utf8")) as { snapshots: Snapshot[] })
        .snapshots
    : [];

  function potentialFor(s: Snapshot): { potential: Potential; element: string } {
    if (s.name === "lj") return { potential: ljSingle("X", 1, 1, 2.5), element: "X" };
    const potential = loadPotential(readFileSync(sharedData("potentials", s.potential_file), "utf8"), s.potential_file);
    return { potential, element: potential.elements[0]! };
  }

  it.each(["cu_u3", "cu_mishin1", "fe_mm", "lj"])("%s matches energy, forces and virial", (name) => {
    const s = snapshots.find((x) => x.name === name);
    expect(s, `snapshot ${name} present`).toBeDefined();
    if (!s) return;
    const { potential, element } = potentialFor(s);
    const system = new AtomSystem({
      box: Box.orthorhombic(...s.box_lengths),
      positions: s.positions.flat(),
      types: s.positions.map(() => 0),
      typeNames: [element],
      typeMasses: [1],
    });
    const ff = potential.bind([element]);
    const nl = new NeighborList(ff.cutoff, 0.5);
    nl.build(system);
    const out = new ForceResult();
    ff.compute(system, nl, { energy: true, virial: true }, out);

    expect(Math.abs(out.energy - s.potential_energy) / Math.abs(s.potential_energy)).toBeLessThan(1e-6);
    let maxDiff = 0;
    s.forces.forEach((f, i) => {
      for (let d = 0; d < 3; d++) maxDiff = Math.max(maxDiff, Math.abs(f[d]! - system.forces[3 * i + d]!));
    });
    expect(maxDiff).toBeLessThan(1e-5);

    const toBar = METAL_UNITS.nktv2p / s.volume;
    const ref = s.virial_pressure_bar;
    const mine = [out.virial[0]!, out.virial[1]!, out.virial[2]!, out.virial[3]!, out.virial[4]!, out.virial[5]!].map(
      (w) => w * toBar,
    );
    const scale = Math.max(...[ref.xx, ref.yy, ref.zz].map(Math.abs));
    [ref.xx, ref.yy, ref.zz, ref.xy, ref.xz, ref.yz].forEach((r, k) => {
      expect(Math.abs(mine[k]! - r) / scale).toBeLessThan(1e-6);
    });
  });
});
