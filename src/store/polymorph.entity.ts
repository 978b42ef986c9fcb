import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

/** One distinct structure of a material: a representative cell (Å, fractional) that matching entries of every source share. */
@Entity({ name: "polymorphs" })
export class PolymorphEntity {
  @PrimaryGeneratedColumn({ type: "integer" })
  id!: number;

  @Column({ name: "material_id", type: "integer" })
  materialId!: number;

  /** Lattice vectors as rows, Å, flattened (9 numbers). */
  @Column({ type: "double precision", array: true })
  lattice!: number[];

  @Column({ name: "frac_coords", type: "double precision", array: true })
  fracCoords!: number[];

  @Column({ type: "text", array: true })
  species!: string[];

  @Column({ name: "spacegroup_number", type: "smallint", nullable: true })
  spacegroupNumber!: number | null;

  @Column({ name: "spacegroup_symbol", type: "text", nullable: true })
  spacegroupSymbol!: string | null;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
