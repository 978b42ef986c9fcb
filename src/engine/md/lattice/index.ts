export { buildSupercell, type CrystalStructure, type SupercellOptions } from "./crystal";
export { PROTOTYPES, PROTOTYPE_NAMES, prototypeCell, type PrototypeParams } from "./prototypes";
