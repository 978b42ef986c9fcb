/**
 * The crystal-structure engine: the `Crystal` type and its helpers, structure file
 * formats (CIF, POSCAR, extended XYZ), Niggli reduction and primitive cells, and the
 * structure matcher that groups polymorphs.
 */
export * from "./crystal";
export * from "./formats";
export * from "./niggli";
export * from "./structure-matcher";
export * from "./structure.errors";
export { parseSymmetryOperation, applySymmetryOperation, type SymmetryOperation } from "./symmetry-operation";
