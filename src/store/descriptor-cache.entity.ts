import { Column, Entity, PrimaryColumn } from "typeorm";

/** One cached descriptor vector (see migration 1764300000000): float64 little-endian bytes, or the reason it failed. */
@Entity({ name: "descriptor_cache" })
export class DescriptorCacheEntity {
  @PrimaryColumn({ name: "subject_kind", type: "text" })
  subjectKind!: "material" | "entry";

  @PrimaryColumn({ name: "subject_id", type: "integer" })
  subjectId!: number;

  @PrimaryColumn({ name: "set_name", type: "text" })
  setName!: string;

  @Column({ type: "text" })
  version!: string;

  @Column({ name: "input_digest", type: "text" })
  inputDigest!: string;

  @Column({ type: "bytea", nullable: true })
  vector!: Buffer | null;

  @Column({ type: "text", nullable: true })
  error!: string | null;

  @Column({ name: "computed_at", type: "timestamptz" })
  computedAt!: Date;
}
