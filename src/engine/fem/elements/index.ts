import { hex20Shape } from "./hex20.element";
import { hex8Shape } from "./hex8.element";
import type { SolidShapeFunctions, SolidShapeName } from "./shape.types";
import { tet10Shape } from "./tet10.element";
import { tet4Shape } from "./tet4.element";

/** Registry of solid shapes by name. */
export const SOLID_SHAPES: Record<SolidShapeName, SolidShapeFunctions> = {
  hex8: hex8Shape,
  hex20: hex20Shape,
  tet4: tet4Shape,
  tet10: tet10Shape,
};

export { FACE_SHAPES } from "./faces.element";
export type { FaceShapeName, ShapeFunctions, SolidShapeFunctions, SolidShapeName } from "./shape.types";
