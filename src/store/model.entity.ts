import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { PropertyKey } from "../domain/property-key";

/** A trained model in the registry: its bundle (model-bundle.ts JSON), metrics and training provenance. */
@Entity({ name: "models" })
export class ModelEntity {
  @PrimaryGeneratedColumn({ type: "integer" })
  id!: number;

  @Column({ type: "text", unique: true })
  name!: string;

  @Column({ type: "text" })
  key!: PropertyKey;

  @Column({ type: "text" })
  kind!: string;

  @Column({ type: "text" })
  task!: string;

  @Column({ name: "descriptor_set", type: "text" })
  descriptorSet!: string;

  @Column({ name: "descriptor_version", type: "text" })
  descriptorVersion!: string;

  @Column({ type: "jsonb" })
  metrics!: Record<string, unknown>;

  @Column({ type: "jsonb" })
  training!: Record<string, unknown>;

  @Column({ type: "text" })
  bundle!: string;

  @Column({ name: "is_default", type: "boolean" })
  isDefault!: boolean;

  @Column({ name: "default_since", type: "timestamptz", nullable: true })
  defaultSince!: Date | null;

  @Column({ name: "job_id", type: "uuid", nullable: true })
  jobId!: string | null;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}

/** One change of a property's default model: by `setDefaultModel` or by a training job registering a default. */
@Entity({ name: "model_default_changes" })
export class ModelDefaultChangeEntity {
  @PrimaryGeneratedColumn({ type: "integer" })
  id!: number;

  @Column({ type: "text" })
  key!: PropertyKey;

  @Column({ name: "model_id", type: "integer" })
  modelId!: number;

  @Column({ name: "previous_model_id", type: "integer", nullable: true })
  previousModelId!: number | null;

  @Column({ name: "changed_by", type: "text" })
  changedBy!: string;

  @Column({ name: "changed_at", type: "timestamptz" })
  changedAt!: Date;
}
