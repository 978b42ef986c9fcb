/**
 * Berendsen pressure coupling (Berendsen et al., JCP 81, 3684 (1984)): each step the
 * cell and positions are scaled by μ = 1 − (β dt / 3τ)(P0 − P), with β the
 * compressibility. It drives the pressure to P0 without sampling the NPT ensemble's
 * volume fluctuations exactly, which is adequate for equilibrating densities
 * (melting protocol). Pressures in bar, times in ps.
 */
import type { Simulation } from "../core/simulation";

export type CouplingMode = "iso" | "aniso";

export class BerendsenBarostat {
  constructor(
    public pressureBar: number,
    readonly dampingPs: number,
    /** Inverse bulk modulus (1/bar); metals ~1e-6. */
    readonly compressibilityPerBar = 1e-6,
    readonly mode: CouplingMode = "iso",
    /** Cartesian directions that may change (aniso). */
    readonly axes: readonly [boolean, boolean, boolean] = [true, true, true],
  ) {}

  apply(sim: Simulation, dt: number): void {
    const p = sim.pressureTensor();
    const mu = [1, 1, 1];
    const k = (this.compressibilityPerBar * dt) / (3 * this.dampingPs);
    if (this.mode === "iso") {
      const s = Math.cbrt(1 - k * (this.pressureBar - (p[0]! + p[1]! + p[2]!) / 3));
      mu.fill(s);
    } else {
      for (let d = 0; d < 3; d++) if (this.axes[d]) mu[d] = 1 - k * (this.pressureBar - p[d]!);
    }
    // Cap the scaling so that a bad start cannot blow the cell up in one step.
    for (let d = 0; d < 3; d++) mu[d] = Math.min(1.01, Math.max(0.99, mu[d]!));
    const h = sim.system.box.h;
    for (let r = 0; r < 3; r++) for (let d = 0; d < 3; d++) h[3 * r + d] = h[3 * r + d]! * mu[d]!;
    sim.system.box.refresh();
    const x = sim.system.positions;
    for (let i = 0; i < sim.system.n; i++) for (let d = 0; d < 3; d++) x[3 * i + d] = x[3 * i + d]! * mu[d]!;
  }
}
