/**
 * Unit systems, following LAMMPS so that numbers compare one to one.
 *
 * "metal": energy eV, length Å, time ps, mass g/mol, temperature K, pressure bar.
 * "lj": everything reduced (ε = σ = m = kB = 1).
 * Constants are the LAMMPS 2022 values (update.cpp), not CODATA 2018, because
 * the reference numbers this engine is checked against came from that LAMMPS.
 */
export interface UnitSystem {
  readonly name: "metal" | "lj";
  /** Boltzmann constant in energy/temperature. */
  readonly boltz: number;
  /** mass·velocity² → energy. */
  readonly mvv2e: number;
  /** force/mass → velocity/time. */
  readonly ftm2v: number;
  /** (energy/volume) → pressure unit (bar for metal). */
  readonly nktv2p: number;
}

export const METAL_UNITS: UnitSystem = {
  name: "metal",
  boltz: 8.617343e-5,
  mvv2e: 1.0364269e-4,
  ftm2v: 1 / 1.0364269e-4,
  nktv2p: 1.6021765e6,
};

export const LJ_UNITS: UnitSystem = { name: "lj", boltz: 1, mvv2e: 1, ftm2v: 1, nktv2p: 1 };

/** eV/Å³ → GPa. */
export const EV_PER_A3_TO_GPA = 160.21766208;
/** bar → GPa. */
export const BAR_TO_GPA = 1e-4;
/** eV/(Å·ps·K) → W/(m·K). */
export const EV_PER_A_PS_K_TO_W_PER_M_K = 1602.176634;
