/**
 * Microscopic heat flux times volume (eV·Å/ps), as LAMMPS compute heat/flux with
 * stress/atom "virial" (Irving–Kirkwood form for pairwise-decomposable forces):
 *   J·V = Σ_i e_i v_i + Σ_i W_i · v_i
 * e_i = kinetic + potential energy of atom i, W_i its per-atom virial (half of each
 * pair's r_ij ⊗ f_ij). Valid for pair potentials and EAM, whose forces are central
 * pair forces.
 */
import type { Simulation } from "../core/simulation";

export function heatFluxTimesVolume(sim: Simulation, out = new Float64Array(3)): Float64Array {
  const res = sim.computeForces({ energy: true, virial: true, perAtom: true });
  const v = sim.system.velocities;
  const m = sim.masses;
  const e = res.perAtomEnergy;
  const w = res.perAtomVirial;
  const mvv2e = sim.units.mvv2e;
  let jx = 0,
    jy = 0,
    jz = 0;
  for (let i = 0; i < sim.system.n; i++) {
    const vx = v[3 * i]!,
      vy = v[3 * i + 1]!,
      vz = v[3 * i + 2]!;
    const ei = e[i]! + 0.5 * m[i]! * (vx * vx + vy * vy + vz * vz) * mvv2e;
    const b = 6 * i;
    jx += ei * vx + w[b]! * vx + w[b + 3]! * vy + w[b + 4]! * vz;
    jy += ei * vy + w[b + 3]! * vx + w[b + 1]! * vy + w[b + 5]! * vz;
    jz += ei * vz + w[b + 4]! * vx + w[b + 5]! * vy + w[b + 2]! * vz;
  }
  out[0] = jx;
  out[1] = jy;
  out[2] = jz;
  return out;
}
