import { elementBySymbol } from "../chem/elements";

/**
 * MatGraph's own table of elemental properties, the input of every composition
 * descriptor. Written by hand from standard references (not derived from any
 * featurizer's CSV):
 *
 * - Mendeleev number: D. G. Pettifor, "A chemical scale for crystal-structure maps",
 *   Solid State Commun. 51 (1984) 31; J. Phys. C 19 (1986) 285 (He = 1 … H = 103).
 * - Period and group: IUPAC periodic table; lanthanides and actinides are put in group 3.
 * - Pauling electronegativity, melting point (K, at 1 atm; C and As: triple/sublimation
 *   point), density (g/cm³, room temperature; for gases and liquids the condensed solid or
 *   liquid near its melting point): CRC Handbook of Chemistry and Physics, 97th ed.
 * - Covalent radius (pm): B. Cordero et al., Dalton Trans. (2008) 2832 (C sp3, Mn/Fe/Co low spin).
 * - First ionisation energy (eV): NIST Atomic Spectra Database, ground levels.
 * - Ground-state electron configuration beyond the preceding noble-gas core: NIST ASD.
 * - Crystal structure (space-group number) of the standard-state solid (for gases the
 *   low-temperature molecular solid): Donohue, "The Structures of the Elements" (1974);
 *   Young, "Phase Diagrams of the Elements" (1991).
 * - Band gap of the standard-state solid (eV, experimental): Madelung, "Semiconductors:
 *   Data Handbook" (2004); for molecular solids the onset of optical absorption
 *   (rare-gas solids: Schwentner et al., "Electronic excitations in condensed rare gases",
 *   1985), which is approximate, a few tenths of an eV at best.
 * - Magnetic moment (μB/atom): ordered saturation moment at T → 0 of the ferromagnets
 *   Fe, Co, Ni, Gd, Tb, Dy (Kittel, "Introduction to Solid State Physics", ch. 11; Jensen
 *   & Mackintosh, "Rare Earth Magnetism", 1991); antiferromagnets and paramagnets are 0.
 *
 * - Cohesive energy (eV/atom, energy to separate the solid at 0 K and 1 atm into neutral
 *   free atoms): Kittel, "Introduction to Solid State Physics", 8th ed., ch. 3, table 1
 *   (from Brewer's compilation). H is the CRC Handbook's enthalpy of formation of the
 *   gaseous atom, ΔfH°(H, g) = 218.0 kJ/mol = 2.26 eV (solid H₂ adds ~0.01 eV/atom of
 *   van der Waals binding); He (no solid at 1 atm) and elements without a value are NaN.
 * - Bulk modulus (GPa, room temperature or the lowest quoted temperature for the rare-gas
 *   solids): Kittel, ch. 3, table 3 (10¹¹ N/m² × 100); carbon is diamond there, as here.
 *   Sn is white tin from its single-crystal elastic constants (Simmons & Wang, "Single
 *   Crystal Elastic Constants", 1971), since Kittel's 1.11 × 10¹¹ N/m² fits neither form.
 *   The molecular solids N, O, F, Cl, Br and elements without a value are NaN.
 * - Cohesive-energy density (GPa) = cohesive energy / volume per atom: the energy scale of
 *   the elastic moduli (B ∝ E_coh/V across the elements), a derived column.
 *
 * Unknown values are NaN (heavy actinides). Units: Å³ for volumes, pm for radii, K, eV, μB, GPa.
 */

export interface ElementalProperties {
  readonly symbol: string;
  readonly atomicNumber: number;
  readonly mendeleevNumber: number;
  readonly atomicMassAmu: number;
  readonly period: number;
  readonly group: number;
  readonly electronegativityPauling: number;
  readonly covalentRadiusPm: number;
  readonly meltingPointK: number;
  readonly sValence: number;
  readonly pValence: number;
  readonly dValence: number;
  readonly fValence: number;
  readonly totalValence: number;
  readonly sUnfilled: number;
  readonly pUnfilled: number;
  readonly dUnfilled: number;
  readonly fUnfilled: number;
  readonly totalUnfilled: number;
  readonly volumePerAtomA3: number;
  readonly bandGapEV: number;
  readonly magneticMomentMuB: number;
  readonly spaceGroupNumber: number;
  readonly firstIonisationEnergyEV: number;
  readonly cohesiveEnergyEV: number;
  readonly bulkModulusGPa: number;
  readonly cohesiveEnergyDensityGPa: number;
}

/** The numeric properties, in the order descriptor columns use, with their units. */
export const ELEMENTAL_PROPERTIES = [
  { key: "atomicNumber", unit: "1" },
  { key: "mendeleevNumber", unit: "1" },
  { key: "atomicMassAmu", unit: "amu" },
  { key: "period", unit: "1" },
  { key: "group", unit: "1" },
  { key: "electronegativityPauling", unit: "1" },
  { key: "covalentRadiusPm", unit: "pm" },
  { key: "meltingPointK", unit: "K" },
  { key: "sValence", unit: "electrons" },
  { key: "pValence", unit: "electrons" },
  { key: "dValence", unit: "electrons" },
  { key: "fValence", unit: "electrons" },
  { key: "totalValence", unit: "electrons" },
  { key: "sUnfilled", unit: "electrons" },
  { key: "pUnfilled", unit: "electrons" },
  { key: "dUnfilled", unit: "electrons" },
  { key: "fUnfilled", unit: "electrons" },
  { key: "totalUnfilled", unit: "electrons" },
  { key: "volumePerAtomA3", unit: "Å³" },
  { key: "bandGapEV", unit: "eV" },
  { key: "magneticMomentMuB", unit: "μB" },
  { key: "spaceGroupNumber", unit: "1" },
  { key: "firstIonisationEnergyEV", unit: "eV" },
  { key: "cohesiveEnergyEV", unit: "eV" },
  { key: "bulkModulusGPa", unit: "GPa" },
  { key: "cohesiveEnergyDensityGPa", unit: "GPa" },
] as const satisfies ReadonlyArray<{ key: keyof ElementalProperties; unit: string }>;

export type ElementalPropertyKey = (typeof ELEMENTAL_PROPERTIES)[number]["key"];

const N = NaN;

// symbol, Pettifor Mendeleev number, period, group, χ Pauling, r_cov pm, T_m K,
// configuration beyond the noble-gas core, density g/cm³, gap eV, moment μB, space group, IE1 eV
// prettier-ignore
type Row = readonly [string, number, number, number, number, number, number, string, number, number, number, number, number];

const ROWS: readonly Row[] = [
  ["H", 103, 1, 1, 2.2, 31, 13.99, "1s1", 0.0867, 15, 0, 194, 13.598],
  ["He", 1, 1, 18, N, 28, 0.95, "1s2", 0.205, 19.8, 0, 194, 24.587],
  ["Li", 12, 2, 1, 0.98, 128, 453.65, "2s1", 0.534, 0, 0, 229, 5.392],
  ["Be", 77, 2, 2, 1.57, 96, 1560, "2s2", 1.85, 0, 0, 194, 9.323],
  ["B", 86, 2, 13, 2.04, 84, 2349, "2s2 2p1", 2.46, 1.5, 0, 166, 8.298],
  ["C", 95, 2, 14, 2.55, 76, 3915, "2s2 2p2", 2.26, 0, 0, 194, 11.26],
  ["N", 100, 2, 15, 3.04, 71, 63.15, "2s2 2p3", 1.03, 8.5, 0, 205, 14.534],
  ["O", 101, 2, 16, 3.44, 66, 54.36, "2s2 2p4", 1.43, 6.2, 0, 12, 13.618],
  ["F", 102, 2, 17, 3.98, 57, 53.53, "2s2 2p5", 1.7, 4.3, 0, 15, 17.423],
  ["Ne", 2, 2, 18, N, 58, 24.56, "2s2 2p6", 1.44, 21.6, 0, 225, 21.565],
  ["Na", 11, 3, 1, 0.93, 166, 370.87, "3s1", 0.968, 0, 0, 229, 5.139],
  ["Mg", 73, 3, 2, 1.31, 141, 923, "3s2", 1.738, 0, 0, 194, 7.646],
  ["Al", 80, 3, 13, 1.61, 121, 933.47, "3s2 3p1", 2.7, 0, 0, 225, 5.986],
  ["Si", 85, 3, 14, 1.9, 111, 1687, "3s2 3p2", 2.329, 1.12, 0, 227, 8.152],
  ["P", 90, 3, 15, 2.19, 107, 317.3, "3s2 3p3", 2.69, 0.33, 0, 64, 10.487],
  ["S", 94, 3, 16, 2.58, 105, 388.36, "3s2 3p4", 2.07, 2.6, 0, 70, 10.36],
  ["Cl", 99, 3, 17, 3.16, 102, 171.6, "3s2 3p5", 2.03, 2.5, 0, 64, 12.968],
  ["Ar", 3, 3, 18, N, 106, 83.8, "3s2 3p6", 1.62, 14.2, 0, 225, 15.76],
  ["K", 10, 4, 1, 0.82, 203, 336.53, "4s1", 0.89, 0, 0, 229, 4.341],
  ["Ca", 16, 4, 2, 1, 176, 1115, "4s2", 1.55, 0, 0, 225, 6.113],
  ["Sc", 20, 4, 3, 1.36, 170, 1814, "3d1 4s2", 2.985, 0, 0, 194, 6.561],
  ["Ti", 51, 4, 4, 1.54, 160, 1941, "3d2 4s2", 4.506, 0, 0, 194, 6.828],
  ["V", 54, 4, 5, 1.63, 153, 2183, "3d3 4s2", 6.0, 0, 0, 229, 6.746],
  ["Cr", 57, 4, 6, 1.66, 139, 2180, "3d5 4s1", 7.19, 0, 0, 229, 6.767],
  ["Mn", 60, 4, 7, 1.55, 139, 1519, "3d5 4s2", 7.21, 0, 0, 217, 7.434],
  ["Fe", 61, 4, 8, 1.83, 132, 1811, "3d6 4s2", 7.874, 0, 2.22, 229, 7.902],
  ["Co", 64, 4, 9, 1.88, 126, 1768, "3d7 4s2", 8.9, 0, 1.72, 194, 7.881],
  ["Ni", 67, 4, 10, 1.91, 124, 1728, "3d8 4s2", 8.908, 0, 0.62, 225, 7.64],
  ["Cu", 72, 4, 11, 1.9, 132, 1357.77, "3d10 4s1", 8.96, 0, 0, 225, 7.726],
  ["Zn", 76, 4, 12, 1.65, 122, 692.68, "3d10 4s2", 7.14, 0, 0, 194, 9.394],
  ["Ga", 81, 4, 13, 1.81, 122, 302.91, "3d10 4s2 4p1", 5.91, 0, 0, 64, 5.999],
  ["Ge", 84, 4, 14, 2.01, 120, 1211.4, "3d10 4s2 4p2", 5.323, 0.66, 0, 227, 7.899],
  ["As", 89, 4, 15, 2.18, 119, 1090, "3d10 4s2 4p3", 5.727, 0, 0, 166, 9.789],
  ["Se", 93, 4, 16, 2.55, 120, 494, "3d10 4s2 4p4", 4.81, 1.74, 0, 152, 9.752],
  ["Br", 98, 4, 17, 2.96, 120, 265.8, "3d10 4s2 4p5", 3.12, 2.2, 0, 64, 11.814],
  ["Kr", 4, 4, 18, 3, 116, 115.79, "3d10 4s2 4p6", 3.0, 11.6, 0, 225, 14.0],
  ["Rb", 9, 5, 1, 0.82, 220, 312.46, "5s1", 1.532, 0, 0, 229, 4.177],
  ["Sr", 15, 5, 2, 0.95, 195, 1050, "5s2", 2.64, 0, 0, 225, 5.695],
  ["Y", 19, 5, 3, 1.22, 190, 1799, "4d1 5s2", 4.472, 0, 0, 194, 6.217],
  ["Zr", 49, 5, 4, 1.33, 175, 2128, "4d2 5s2", 6.52, 0, 0, 194, 6.634],
  ["Nb", 52, 5, 5, 1.6, 164, 2750, "4d4 5s1", 8.57, 0, 0, 229, 6.759],
  ["Mo", 55, 5, 6, 2.16, 154, 2896, "4d5 5s1", 10.28, 0, 0, 229, 7.092],
  ["Tc", 58, 5, 7, 1.9, 147, 2430, "4d5 5s2", 11.5, 0, 0, 194, 7.28],
  ["Ru", 63, 5, 8, 2.2, 146, 2607, "4d7 5s1", 12.45, 0, 0, 194, 7.361],
  ["Rh", 66, 5, 9, 2.28, 142, 2237, "4d8 5s1", 12.41, 0, 0, 225, 7.459],
  ["Pd", 69, 5, 10, 2.2, 139, 1828.05, "4d10", 12.023, 0, 0, 225, 8.337],
  ["Ag", 71, 5, 11, 1.93, 145, 1234.93, "4d10 5s1", 10.49, 0, 0, 225, 7.576],
  ["Cd", 75, 5, 12, 1.69, 144, 594.22, "4d10 5s2", 8.65, 0, 0, 194, 8.994],
  ["In", 79, 5, 13, 1.78, 142, 429.75, "4d10 5s2 5p1", 7.31, 0, 0, 139, 5.786],
  ["Sn", 83, 5, 14, 1.96, 139, 505.08, "4d10 5s2 5p2", 7.265, 0, 0, 141, 7.344],
  ["Sb", 88, 5, 15, 2.05, 139, 903.78, "4d10 5s2 5p3", 6.697, 0, 0, 166, 8.608],
  ["Te", 92, 5, 16, 2.1, 138, 722.66, "4d10 5s2 5p4", 6.24, 0.33, 0, 152, 9.01],
  ["I", 97, 5, 17, 2.66, 139, 386.85, "4d10 5s2 5p5", 4.93, 1.3, 0, 64, 10.451],
  ["Xe", 5, 5, 18, 2.6, 140, 161.4, "4d10 5s2 5p6", 3.64, 9.3, 0, 225, 12.13],
  ["Cs", 8, 6, 1, 0.79, 244, 301.59, "6s1", 1.93, 0, 0, 229, 3.894],
  ["Ba", 14, 6, 2, 0.89, 215, 1000, "6s2", 3.51, 0, 0, 229, 5.212],
  ["La", 33, 6, 3, 1.1, 207, 1193, "5d1 6s2", 6.162, 0, 0, 194, 5.577],
  ["Ce", 32, 6, 3, 1.12, 204, 1068, "4f1 5d1 6s2", 6.77, 0, 0, 225, 5.539],
  ["Pr", 31, 6, 3, 1.13, 203, 1208, "4f3 6s2", 6.77, 0, 0, 194, 5.473],
  ["Nd", 30, 6, 3, 1.14, 201, 1297, "4f4 6s2", 7.01, 0, 0, 194, 5.525],
  ["Pm", 29, 6, 3, 1.13, 199, 1315, "4f5 6s2", 7.26, 0, 0, 194, 5.582],
  ["Sm", 28, 6, 3, 1.17, 198, 1345, "4f6 6s2", 7.52, 0, 0, 166, 5.644],
  ["Eu", 18, 6, 3, 1.2, 198, 1099, "4f7 6s2", 5.264, 0, 0, 229, 5.67],
  ["Gd", 27, 6, 3, 1.2, 196, 1585, "4f7 5d1 6s2", 7.9, 0, 7.63, 194, 6.15],
  ["Tb", 26, 6, 3, 1.1, 194, 1629, "4f9 6s2", 8.23, 0, 9.34, 194, 5.864],
  ["Dy", 25, 6, 3, 1.22, 192, 1680, "4f10 6s2", 8.54, 0, 10.33, 194, 5.939],
  ["Ho", 24, 6, 3, 1.23, 192, 1734, "4f11 6s2", 8.79, 0, 0, 194, 6.022],
  ["Er", 23, 6, 3, 1.24, 189, 1802, "4f12 6s2", 9.066, 0, 0, 194, 6.108],
  ["Tm", 22, 6, 3, 1.25, 190, 1818, "4f13 6s2", 9.32, 0, 0, 194, 6.184],
  ["Yb", 17, 6, 3, 1.1, 187, 1097, "4f14 6s2", 6.9, 0, 0, 225, 6.254],
  ["Lu", 21, 6, 3, 1.27, 187, 1925, "4f14 5d1 6s2", 9.841, 0, 0, 194, 5.426],
  ["Hf", 50, 6, 4, 1.3, 175, 2506, "4f14 5d2 6s2", 13.31, 0, 0, 194, 6.825],
  ["Ta", 53, 6, 5, 1.5, 170, 3290, "4f14 5d3 6s2", 16.69, 0, 0, 229, 7.55],
  ["W", 56, 6, 6, 2.36, 162, 3695, "4f14 5d4 6s2", 19.25, 0, 0, 229, 7.864],
  ["Re", 59, 6, 7, 1.9, 151, 3459, "4f14 5d5 6s2", 21.02, 0, 0, 194, 7.834],
  ["Os", 62, 6, 8, 2.2, 144, 3306, "4f14 5d6 6s2", 22.59, 0, 0, 194, 8.438],
  ["Ir", 65, 6, 9, 2.2, 141, 2719, "4f14 5d7 6s2", 22.56, 0, 0, 225, 8.967],
  ["Pt", 68, 6, 10, 2.28, 136, 2041.4, "4f14 5d9 6s1", 21.45, 0, 0, 225, 8.959],
  ["Au", 70, 6, 11, 2.54, 136, 1337.33, "4f14 5d10 6s1", 19.3, 0, 0, 225, 9.226],
  ["Hg", 74, 6, 12, 2, 132, 234.32, "4f14 5d10 6s2", 13.534, 0, 0, 166, 10.438],
  ["Tl", 78, 6, 13, 1.62, 145, 577, "4f14 5d10 6s2 6p1", 11.85, 0, 0, 194, 6.108],
  ["Pb", 82, 6, 14, 2.33, 146, 600.61, "4f14 5d10 6s2 6p2", 11.34, 0, 0, 225, 7.417],
  ["Bi", 87, 6, 15, 2.02, 148, 544.4, "4f14 5d10 6s2 6p3", 9.78, 0, 0, 166, 7.286],
  ["Po", 91, 6, 16, 2, 140, 527, "4f14 5d10 6s2 6p4", 9.196, 0, 0, 221, 8.414],
  ["At", 96, 6, 17, 2.2, 150, 575, "4f14 5d10 6s2 6p5", 6.4, N, 0, N, 9.318],
  ["Rn", 6, 6, 18, 2.2, 150, 202, "4f14 5d10 6s2 6p6", 4.4, N, 0, 225, 10.749],
  ["Fr", 7, 7, 1, 0.7, 260, 300, "7s1", 1.87, 0, 0, 229, 4.073],
  ["Ra", 13, 7, 2, 0.9, 221, 973, "7s2", 5.5, 0, 0, 229, 5.278],
  ["Ac", 48, 7, 3, 1.1, 215, 1323, "6d1 7s2", 10.07, 0, 0, 225, 5.38],
  ["Th", 47, 7, 3, 1.3, 206, 2023, "6d2 7s2", 11.72, 0, 0, 225, 6.307],
  ["Pa", 46, 7, 3, 1.5, 200, 1841, "5f2 6d1 7s2", 15.37, 0, 0, 139, 5.89],
  ["U", 45, 7, 3, 1.38, 196, 1405.3, "5f3 6d1 7s2", 19.1, 0, 0, 63, 6.194],
  ["Np", 44, 7, 3, 1.36, 190, 917, "5f4 6d1 7s2", 20.45, 0, 0, 62, 6.266],
  ["Pu", 43, 7, 3, 1.28, 187, 912.5, "5f6 7s2", 19.816, 0, 0, 11, 6.026],
  ["Am", 42, 7, 3, 1.13, 180, 1449, "5f7 7s2", 12.0, 0, 0, 194, 5.974],
  ["Cm", 41, 7, 3, 1.28, 169, 1613, "5f7 6d1 7s2", 13.51, 0, 0, 194, 5.991],
  ["Bk", 40, 7, 3, 1.3, N, 1259, "5f9 7s2", 14.78, 0, 0, 194, 6.198],
];

// Cohesive energy eV/atom (Kittel ch. 3 table 1), bulk modulus GPa (Kittel ch. 3 table 3); see the header.
// prettier-ignore
const COHESION: Readonly<Record<string, readonly [number, number]>> = {
  H: [2.26, 0.2], He: [N, N], Li: [1.63, 11.6], Be: [3.32, 100.3], B: [5.81, 178], C: [7.37, 443],
  N: [4.92, N], O: [2.6, N], F: [0.84, N], Ne: [0.02, 1.0],
  Na: [1.113, 6.8], Mg: [1.51, 35.4], Al: [3.39, 72.2], Si: [4.63, 98.8], P: [3.43, 30.4], S: [2.85, 17.8],
  Cl: [1.4, N], Ar: [0.08, 2.7],
  K: [0.934, 3.2], Ca: [1.84, 15.2], Sc: [3.9, 43.5], Ti: [4.85, 105.1], V: [5.31, 161.9], Cr: [4.1, 190.1],
  Mn: [2.92, 59.6], Fe: [4.28, 168.3], Co: [4.39, 191.4], Ni: [4.44, 186], Cu: [3.49, 137], Zn: [1.35, 59.8],
  Ga: [2.81, 56.9], Ge: [3.85, 77.2], As: [2.96, 39.4], Se: [2.46, 9.1], Br: [1.22, N], Kr: [0.116, 1.8],
  Rb: [0.852, 3.1], Sr: [1.72, 11.6], Y: [4.37, 36.6], Zr: [6.25, 83.3], Nb: [7.57, 170.2], Mo: [6.82, 272.5],
  Tc: [6.85, 297], Ru: [6.74, 320.8], Rh: [5.75, 270.4], Pd: [3.89, 180.8], Ag: [2.95, 100.7], Cd: [1.16, 46.7],
  In: [2.52, 41.1], Sn: [3.14, 58], Sb: [2.75, 38.3], Te: [2.19, 23], I: [1.11, 7.7], Xe: [0.16, 3.6],
  Cs: [0.804, 2.0], Ba: [1.9, 10.3], La: [4.47, 24.3], Ce: [4.32, 23.9], Pr: [3.7, 30.6], Nd: [3.4, 32.7],
  Pm: [N, N], Sm: [2.14, 29.4], Eu: [1.86, 14.7], Gd: [4.14, 38.3], Tb: [4.05, 39.9], Dy: [3.04, 38.4],
  Ho: [3.14, 39.7], Er: [3.29, 41.1], Tm: [2.42, 39.7], Yb: [1.6, 13.3], Lu: [4.43, 41.1],
  Hf: [6.44, 109], Ta: [8.1, 200], W: [8.9, 323.2], Re: [8.03, 372], Os: [8.17, 418], Ir: [6.94, 355],
  Pt: [5.84, 278.3], Au: [3.81, 173.2], Hg: [0.67, 38.2], Tl: [1.88, 35.9], Pb: [2.03, 43], Bi: [2.18, 31.5],
  Po: [1.5, 26], At: [N, N], Rn: [0.202, N],
  Fr: [N, 2.0], Ra: [1.66, 13.2], Ac: [4.25, 25], Th: [6.2, 54.3], Pa: [N, 76], U: [5.55, 98.7],
  Np: [4.73, 68], Pu: [3.6, 54], Am: [2.73, N], Cm: [3.99, N], Bk: [N, N],
};

/** eV/Å³ in GPa. */
const GPA_PER_EV_PER_A3 = 160.21766;

const AVOGADRO_PER_MOL = 6.02214076e23;
const CM3_PER_A3 = 1e-24;
const SUBSHELL_CAPACITY = { s: 2, p: 6, d: 10, f: 14 } as const;

function parseConfiguration(config: string): Record<"s" | "p" | "d" | "f", number> {
  const counts = { s: 0, p: 0, d: 0, f: 0 };
  for (const part of config.split(" ")) {
    const m = /^(\d)([spdf])(\d+)$/.exec(part);
    if (!m) throw new Error(`bad configuration term "${part}"`);
    counts[m[2] as "s" | "p" | "d" | "f"] += Number(m[3]);
  }
  return counts;
}

/** Magpie's convention for unfilled states: a subshell with no electrons counts as not open. */
function unfilled(n: number, capacity: number): number {
  return n > 0 ? capacity - n : 0;
}

function build(row: Row): ElementalProperties {
  const [symbol, mendeleevNumber, period, group, en, rcov, tm, config, density, gap, moment, sg, ie1] = row;
  const info = elementBySymbol(symbol);
  const v = parseConfiguration(config);
  const su = unfilled(v.s, SUBSHELL_CAPACITY.s);
  const pu = unfilled(v.p, SUBSHELL_CAPACITY.p);
  const du = unfilled(v.d, SUBSHELL_CAPACITY.d);
  const fu = unfilled(v.f, SUBSHELL_CAPACITY.f);
  const cohesion = COHESION[symbol];
  if (!cohesion) throw new Error(`no cohesion entry for ${symbol}`);
  const volumePerAtomA3 = info.atomicMassAmu / (density * AVOGADRO_PER_MOL) / CM3_PER_A3;
  return {
    symbol,
    atomicNumber: info.atomicNumber,
    mendeleevNumber,
    atomicMassAmu: info.atomicMassAmu,
    period,
    group,
    electronegativityPauling: en,
    covalentRadiusPm: rcov,
    meltingPointK: tm,
    sValence: v.s,
    pValence: v.p,
    dValence: v.d,
    fValence: v.f,
    totalValence: v.s + v.p + v.d + v.f,
    sUnfilled: su,
    pUnfilled: pu,
    dUnfilled: du,
    fUnfilled: fu,
    totalUnfilled: su + pu + du + fu,
    volumePerAtomA3,
    bandGapEV: gap,
    magneticMomentMuB: moment,
    spaceGroupNumber: sg,
    firstIonisationEnergyEV: ie1,
    cohesiveEnergyEV: cohesion[0],
    bulkModulusGPa: cohesion[1],
    cohesiveEnergyDensityGPa: (cohesion[0] / volumePerAtomA3) * GPA_PER_EV_PER_A3,
  };
}

export const ELEMENTAL_TABLE: ReadonlyMap<string, ElementalProperties> = new Map(ROWS.map((r) => [r[0], build(r)]));

export const ELEMENTAL_TABLE_VERSION = "matgraph-elements-2";
