import { Column, Entity, PrimaryColumn } from "typeorm";
import type { PropertyKey } from "../domain/property-key";
import type { Source } from "../domain/source";

/**
 * One value of one property of one entry, in the key's canonical unit, with the source's own value and unit.
 * A value is identified by its entry, key, method and temperature (the unique index
 * properties_identity_idx; the primary columns below tell TypeORM the first three).
 */
@Entity({ name: "properties" })
export class PropertyEntity {
  @PrimaryColumn({ name: "entry_id", type: "integer" })
  entryId!: number;

  @Column({ name: "material_id", type: "integer" })
  materialId!: number;

  // Identifiers compare by bytes (see migration 1764900000000).
  @Column({ type: "text", collation: "C" })
  source!: Source;

  @PrimaryColumn({ type: "text", collation: "C" })
  key!: PropertyKey;

  @Column({ type: "double precision", nullable: true })
  value!: number | null;

  @Column({ name: "value_array", type: "double precision", array: true, nullable: true })
  valueArray!: number[] | null;

  @Column({ type: "text" })
  unit!: string;

  @Column({ name: "source_value", type: "double precision", nullable: true })
  sourceValue!: number | null;

  @Column({ name: "source_unit", type: "text", nullable: true })
  sourceUnit!: string | null;

  @PrimaryColumn({ type: "text", default: "", collation: "C" })
  method!: string;

  @Column({ name: "temperature_k", type: "double precision", nullable: true })
  temperatureK!: number | null;

  @Column({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;
}
