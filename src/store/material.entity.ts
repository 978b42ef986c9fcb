import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn } from "typeorm";
import type { EntryEntity } from "./entry.entity";

/** One composition, named by its OPTIMADE reduced formula. */
@Entity({ name: "materials" })
export class MaterialEntity {
  @PrimaryGeneratedColumn({ type: "integer" })
  id!: number;

  @Column({ type: "text", unique: true })
  formula!: string;

  @Column({ type: "text", array: true })
  elements!: string[];

  @Column({ type: "smallint" })
  nelements!: number;

  @Column({ type: "text" })
  chemsys!: string;

  @Column({ name: "formula_anonymous", type: "text" })
  formulaAnonymous!: string;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @OneToMany("EntryEntity", (entry: EntryEntity) => entry.material)
  entries?: EntryEntity[];
}
