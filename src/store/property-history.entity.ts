import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

/** A property value a re-ingest replaced or removed, in canonical units, with the run that did it. */
@Entity({ name: "property_history" })
export class PropertyHistoryEntity {
  @PrimaryGeneratedColumn({ type: "bigint" })
  id!: string;

  @Column({ name: "entry_id", type: "integer" })
  entryId!: number;

  @Column({ type: "text" })
  source!: string;

  @Column({ type: "text" })
  key!: string;

  @Column({ type: "text" })
  method!: string;

  @Column({ name: "temperature_k", type: "double precision", nullable: true })
  temperatureK!: number | null;

  /** The value before the change. */
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

  /** The value that replaced it; null when the property disappeared. */
  @Column({ name: "new_value", type: "double precision", nullable: true })
  newValue!: number | null;

  @Column({ name: "new_value_array", type: "double precision", array: true, nullable: true })
  newValueArray!: number[] | null;

  @Column({ name: "replaced_by_run_id", type: "integer", nullable: true })
  replacedByRunId!: number | null;

  @Column({ name: "replaced_at", type: "timestamptz" })
  replacedAt!: Date;
}
