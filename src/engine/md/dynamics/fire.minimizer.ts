/**
 * FIRE energy minimisation (Bitzek et al., PRL 97, 170201 (2006)), with the
 * parameters and step cap of ASE's implementation. Optional cell relaxation follows
 * ASE's UnitCellFilter: the cell enters as a deformation gradient F (scaled by the
 * number of atoms) whose generalised force is (W − P_ext·V·I)/N, W the virial, so
 * the minimum has zero forces and stress equal to −P_ext. Energies eV, forces eV/Å,
 * pressure bar.
 */
import { invert3, matMul3, type Mat3 } from "../core/box";
import { ConvergenceError } from "../core/errors";
import { throwIfAborted, type RunControl } from "../core/run-control";
import type { Simulation } from "../core/simulation";

export type CellRelaxation = "none" | "iso" | "aniso" | "full";

export interface FireOptions extends RunControl {
  /** Converged when every atomic force and every cell force is below this (eV/Å, eV). */
  readonly fmax?: number;
  readonly maxSteps?: number;
  readonly cell?: CellRelaxation;
  readonly pressureBar?: number;
  /** Throw ConvergenceError instead of returning unconverged. */
  readonly strict?: boolean;
}

export interface FireResult {
  readonly converged: boolean;
  readonly steps: number;
  readonly energy: number;
  readonly maxForce: number;
}

export function minimizeFire(sim: Simulation, options: FireOptions = {}): FireResult {
  const fmax = options.fmax ?? 1e-4;
  const maxSteps = options.maxSteps ?? 5000;
  const cellMode = options.cell ?? "none";
  const withCell = cellMode !== "none";
  const pExt = (options.pressureBar ?? 0) / sim.units.nktv2p; // energy/volume
  const system = sim.system;
  const n = system.n;
  const ndof = 3 * n + (withCell ? 9 : 0);
  const cellFactor = n;

  const h0 = Float64Array.from(system.box.h);
  // Reference (undeformed-frame) coordinates r_ref with x = r_ref·Fᵀ.
  const ref = Float64Array.from(system.positions);
  const F: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

  const y = new Float64Array(ndof);
  const g = new Float64Array(ndof);
  const vel = new Float64Array(ndof);

  const apply = (): void => {
    if (!withCell) {
      system.positions.set(y.subarray(0, 3 * n));
      return;
    }
    for (let k = 0; k < 9; k++) F[k] = y[3 * n + k]! / cellFactor;
    const Ft = transpose(F);
    system.box.setCell(matMul3(h0, Ft));
    const x = system.positions;
    for (let i = 0; i < n; i++)
      for (let d = 0; d < 3; d++)
        x[3 * i + d] = y[3 * i]! * Ft[d]! + y[3 * i + 1]! * Ft[3 + d]! + y[3 * i + 2]! * Ft[6 + d]!;
  };

  const gradient = (): { energy: number; maxF: number } => {
    const res = sim.computeForces({ energy: true, virial: withCell });
    const f = system.forces;
    let maxF = 0;
    for (let i = 0; i < n; i++) {
      if (withCell) {
        // Atom force in the reference frame: f·F.
        for (let e = 0; e < 3; e++)
          g[3 * i + e] = f[3 * i]! * F[e]! + f[3 * i + 1]! * F[3 + e]! + f[3 * i + 2]! * F[6 + e]!;
      } else {
        g[3 * i] = f[3 * i]!;
        g[3 * i + 1] = f[3 * i + 1]!;
        g[3 * i + 2] = f[3 * i + 2]!;
      }
      maxF = Math.max(maxF, Math.hypot(f[3 * i]!, f[3 * i + 1]!, f[3 * i + 2]!));
    }
    if (withCell) {
      const w = res.virial;
      const vol = system.box.volume;
      const W = [w[0]!, w[3]!, w[4]!, w[3]!, w[1]!, w[5]!, w[4]!, w[5]!, w[2]!];
      for (const d of [0, 4, 8]) W[d] = W[d]! - pExt * vol;
      if (cellMode === "iso") {
        const t = (W[0]! + W[4]! + W[8]!) / 3;
        for (let k = 0; k < 9; k++) W[k] = k % 4 === 0 ? t : 0;
      } else if (cellMode === "aniso") {
        for (let k = 0; k < 9; k++) if (k % 4 !== 0) W[k] = 0;
      }
      for (let k = 0; k < 9; k++) {
        g[3 * n + k] = W[k]! / cellFactor;
        maxF = Math.max(maxF, Math.abs(W[k]! / cellFactor));
      }
    }
    return { energy: res.energy, maxF };
  };

  // FIRE parameters (ASE defaults).
  let dt = 0.1;
  const dtmax = 1.0;
  const maxstep = 0.2;
  const nmin = 5;
  const finc = 1.1;
  const fdec = 0.5;
  const astart = 0.1;
  const fa = 0.99;
  let a = astart;
  let nPositive = 0;

  if (withCell) {
    const Finv = invert3(transpose(F));
    for (let i = 0; i < n; i++)
      for (let e = 0; e < 3; e++)
        ref[3 * i + e] =
          system.positions[3 * i]! * Finv[e]! +
          system.positions[3 * i + 1]! * Finv[3 + e]! +
          system.positions[3 * i + 2]! * Finv[6 + e]!;
    y.set(ref.subarray(0, 3 * n));
    for (let k = 0; k < 9; k++) y[3 * n + k] = F[k]! * cellFactor;
  } else {
    y.set(system.positions);
  }

  let { energy, maxF } = gradient();
  let step = 0;
  for (; step < maxSteps && maxF >= fmax; step++) {
    if (step % 50 === 0) {
      throwIfAborted(options.signal);
      options.onProgress?.({ stage: "minimize", fraction: step / maxSteps, step, potentialEnergyEv: energy });
    }
    let vf = 0;
    let vv = 0;
    let ff = 0;
    for (let k = 0; k < ndof; k++) {
      vf += vel[k]! * g[k]!;
      vv += vel[k]! * vel[k]!;
      ff += g[k]! * g[k]!;
    }
    if (step > 0 && vf > 0) {
      const mix = (a * Math.sqrt(vv)) / Math.sqrt(ff);
      for (let k = 0; k < ndof; k++) vel[k] = (1 - a) * vel[k]! + mix * g[k]!;
      if (nPositive > nmin) {
        dt = Math.min(dt * finc, dtmax);
        a *= fa;
      }
      nPositive++;
    } else if (step > 0) {
      vel.fill(0);
      a = astart;
      dt *= fdec;
      nPositive = 0;
    }
    let dr2 = 0;
    for (let k = 0; k < ndof; k++) {
      vel[k] = vel[k]! + dt * g[k]!;
      dr2 += (dt * vel[k]!) ** 2;
    }
    const cap = Math.sqrt(dr2) > maxstep ? maxstep / Math.sqrt(dr2) : 1;
    for (let k = 0; k < ndof; k++) y[k] = y[k]! + cap * dt * vel[k]!;
    apply();
    ({ energy, maxF } = gradient());
  }
  const converged = maxF < fmax;
  if (!converged && options.strict) {
    throw new ConvergenceError(
      `FIRE did not converge in ${maxSteps} steps (max force ${maxF.toExponential(3)} > ${fmax})`,
    );
  }
  return { converged, steps: step, energy, maxForce: maxF };
}

function transpose(m: ArrayLike<number>): Mat3 {
  return [m[0]!, m[3]!, m[6]!, m[1]!, m[4]!, m[7]!, m[2]!, m[5]!, m[8]!];
}
