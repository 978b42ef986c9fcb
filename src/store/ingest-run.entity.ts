import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { Source } from "../domain/source";

export type IngestRunStatus = "running" | "succeeded" | "failed" | "cancelled";

export interface SkippedRecord {
  /** Source id, or `line N` for file rows without one. */
  readonly id: string;
  readonly reason: string;
}

/** One ingest of one source: what it read, what it changed, where it stopped. */
@Entity({ name: "ingest_runs" })
export class IngestRunEntity {
  @PrimaryGeneratedColumn({ type: "integer" })
  id!: number;

  @Column({ type: "text" })
  source!: Source;

  /** "csv", "api", "dump", … */
  @Column({ type: "text" })
  kind!: string;

  /** The file name or URL read. */
  @Column({ type: "text" })
  target!: string;

  @Column({ type: "text" })
  status!: IngestRunStatus;

  @Column({ type: "text", nullable: true })
  release!: string | null;

  @Column({ name: "started_at", type: "timestamptz" })
  startedAt!: Date;

  @Column({ name: "finished_at", type: "timestamptz", nullable: true })
  finishedAt!: Date | null;

  @Column({ type: "integer" })
  fetched!: number;

  @Column({ type: "integer" })
  inserted!: number;

  @Column({ type: "integer" })
  updated!: number;

  @Column({ type: "integer" })
  unchanged!: number;

  @Column({ type: "integer" })
  skipped!: number;

  @Column({ name: "skipped_records", type: "jsonb" })
  skippedRecords!: SkippedRecord[];

  @Column({ type: "jsonb", nullable: true })
  checkpoint!: unknown;

  @Column({ type: "text", nullable: true })
  error!: string | null;
}
