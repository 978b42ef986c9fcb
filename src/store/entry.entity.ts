import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from "typeorm";
import type { Source } from "../domain/source";
import type { MaterialEntity } from "./material.entity";

/** One record of one source: its structure (Å, fractional coordinates), raw payload and provenance. */
@Entity({ name: "entries" })
@Unique("entries_source_id_unique", ["source", "sourceId"])
export class EntryEntity {
  @PrimaryGeneratedColumn({ type: "integer" })
  id!: number;

  // Identifiers compare by bytes (see migration 1764900000000).
  @Column({ type: "text", collation: "C" })
  source!: Source;

  @Column({ name: "source_id", type: "text", collation: "C" })
  sourceId!: string;

  @Column({ name: "material_id", type: "integer" })
  materialId!: number;

  @ManyToOne("MaterialEntity", (material: MaterialEntity) => material.entries)
  @JoinColumn({ name: "material_id" })
  material?: MaterialEntity;

  @Column({ type: "text", nullable: true })
  method!: string | null;

  @Column({ type: "text", nullable: true })
  functional!: string | null;

  @Column({ name: "spacegroup_number", type: "smallint", nullable: true })
  spacegroupNumber!: number | null;

  @Column({ name: "spacegroup_symbol", type: "text", nullable: true })
  spacegroupSymbol!: string | null;

  /** Lattice vectors a, b, c as rows, Å, flattened (9 numbers). */
  @Column({ type: "double precision", array: true, nullable: true })
  lattice!: number[] | null;

  /** Fractional coordinates, 3 per site, flattened. */
  @Column({ name: "frac_coords", type: "double precision", array: true, nullable: true })
  fracCoords!: number[] | null;

  @Column({ type: "text", array: true, nullable: true })
  species!: string[] | null;

  @Column({ type: "integer", nullable: true })
  nsites!: number | null;

  /** Cell volume, Å³. */
  @Column({ name: "volume", type: "double precision", nullable: true })
  volumeAngstrom3!: number | null;

  /** g/cm³. */
  @Column({ name: "density", type: "double precision", nullable: true })
  densityGPerCm3!: number | null;

  /** The record as the source sent it (json keeps its text: key order, number spelling). */
  @Column({ type: "json", nullable: true })
  raw!: unknown;

  @Column({ name: "source_url", type: "text", nullable: true })
  sourceUrl!: string | null;

  @Column({ type: "text", nullable: true })
  release!: string | null;

  @Column({ name: "fetched_at", type: "timestamptz" })
  fetchedAt!: Date;

  @Column({ name: "withdrawn_at", type: "timestamptz", nullable: true })
  withdrawnAt!: Date | null;
}
