import type { ElasticElementName, ElasticFormulation } from "./elastic.formulation";
import { hex8BbarFormulation } from "./hex8-bbar.formulation";
import { hex8IncompatibleFormulation } from "./hex8-incompatible.formulation";
import { SOLID_SHAPES } from "./index";
import { standardFormulation } from "./standard.formulation";

/**
 * Registry of elastic element formulations: name → factory. Formulations hold scratch
 * buffers, so each solve makes its own instance.
 */
export const ELASTIC_ELEMENTS: Record<ElasticElementName, () => ElasticFormulation> = {
  hex8: () => standardFormulation("hex8", SOLID_SHAPES.hex8),
  hex8i: () => hex8IncompatibleFormulation(),
  hex8b: () => hex8BbarFormulation(),
  hex20: () => standardFormulation("hex20", SOLID_SHAPES.hex20),
  tet4: () => standardFormulation("tet4", SOLID_SHAPES.tet4),
  tet10: () => standardFormulation("tet10", SOLID_SHAPES.tet10),
};

export const ELASTIC_ELEMENT_NAMES = Object.keys(ELASTIC_ELEMENTS) as ElasticElementName[];

export function isElasticElementName(name: string): name is ElasticElementName {
  return name in ELASTIC_ELEMENTS;
}
