import { registerEnumType } from "type-graphql";
import { PROPERTY_KEYS, PropertyKey, canonicalUnitOf } from "../domain/property-key";
import { Source } from "../domain/source";

export enum MaterialOrderFieldEnum {
  FORMULA = "FORMULA",
  NELEMENTS = "NELEMENTS",
  PROPERTY = "PROPERTY",
}

export enum SortDirectionEnum {
  ASC = "ASC",
  DESC = "DESC",
}

registerEnumType(Source, { name: "Source", description: "The database (or MatGraph itself) an entry came from" });
registerEnumType(PropertyKey, {
  name: "PropertyKey",
  description: "A property the store holds; each has one canonical unit",
  valuesConfig: Object.fromEntries(
    Object.entries(PROPERTY_KEYS).map(([key, info]) => {
      const unit = canonicalUnitOf(key as PropertyKey);
      return [key, { description: `${info.description}${unit ? ` (${unit})` : " (dimensionless)"}` }];
    }),
  ),
});
registerEnumType(MaterialOrderFieldEnum, { name: "MaterialOrderField" });
registerEnumType(SortDirectionEnum, { name: "SortDirection" });
