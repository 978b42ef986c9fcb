/**
 * Mesoscale engine: voxel microstructures (Voronoi polycrystals, particle and fibre
 * composites), periodic voxel-FEM homogenisation to the effective 6×6 stiffness, analytic
 * references (Voigt/Reuss, Hashin–Shtrikman, Mori–Tanaka, cubic polycrystal averages) and
 * microstructure descriptors. Stiffness in Pa (Voigt order [xx, yy, zz, yz, xz, xy],
 * engineering shear), lengths in m or in voxel edges where named so. Pure computation.
 */
export * from "./micro.errors";
export * from "./voxel-grid";
export * from "./orientation";
export * from "./stiffness-tensor";
export * from "./isotropic-projection";
export * from "./laminate.stiffness";
export * from "./analytic.bounds";
export * from "./voronoi.generator";
export * from "./inclusion.generator";
export * from "./microstructure.descriptors";
export { homogenise } from "./periodic-voxel.homogeniser";
export type { HomogenisedStiffness, HomogeniseOptions, VoxelRve } from "./periodic-voxel.homogeniser";
export * from "./polycrystal.problem";
export * from "./composite.problem";
