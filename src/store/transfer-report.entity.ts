import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

/** The stored outcome of one transfer experiment: metrics per train/test pair and the parity plot (SVG). */
@Entity({ name: "transfer_reports" })
export class TransferReportEntity {
  @PrimaryGeneratedColumn({ type: "integer" })
  id!: number;

  @Column({ type: "text" })
  key!: string;

  @Column({ name: "train_sources", type: "text", array: true })
  trainSources!: string[];

  @Column({ name: "test_source", type: "text" })
  testSource!: string;

  @Column({ name: "model_kind", type: "text" })
  modelKind!: string;

  @Column({ type: "jsonb" })
  report!: Record<string, unknown>;

  @Column({ name: "parity_svg", type: "text" })
  paritySvg!: string;

  @Column({ name: "job_id", type: "uuid", nullable: true })
  jobId!: string | null;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
