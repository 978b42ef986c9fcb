import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Source } from "../domain/source";

export enum StructureFileFormatEnum {
  CIF = "cif",
  POSCAR = "poscar",
  EXTXYZ = "extxyz",
}

registerEnumType(StructureFileFormatEnum, {
  name: "StructureFileFormat",
  description: "Structure file formats: CIF (P1), VASP POSCAR, extended XYZ",
});

@ObjectType("Spacegroup", { simpleResolvers: true })
export class SpacegroupType {
  @Field(() => Int, { nullable: true, description: "International Tables number, 1–230" })
  number!: number | null;

  @Field(() => String, { nullable: true, description: "Hermann–Mauguin symbol" })
  symbol!: string | null;
}

@ObjectType("Site", { simpleResolvers: true })
export class SiteType {
  @Field(() => String)
  species!: string;

  @Field(() => [Float], { description: "Cartesian coordinates, Å" })
  xyz!: number[];

  @Field(() => [Float], { description: "Fractional coordinates" })
  abc!: number[];
}

@ObjectType("Structure", { simpleResolvers: true })
export class StructureType {
  @Field(() => [[Float]], { description: "Lattice vectors a, b, c as rows, Å" })
  lattice!: number[][];

  @Field(() => [SiteType])
  sites!: SiteType[];

  @Field(() => Int)
  nsites!: number;

  @Field(() => Float, { nullable: true, description: "Cell volume, Å³" })
  volume!: number | null;
}

@ObjectType("Entry", { simpleResolvers: true, description: "One record of one source" })
export class EntryType {
  @Field(() => ID)
  id!: number;

  @Field(() => Source)
  source!: Source;

  @Field(() => String, { description: "The source's own id (mp-…, aflow:…, oqmd id, JVASP-…)" })
  sourceId!: string;

  @Field(() => String, { nullable: true, description: "Calculation method, e.g. DFT, AEL" })
  method!: string | null;

  @Field(() => String, { nullable: true, description: "Exchange-correlation functional, e.g. PBE" })
  functional!: string | null;

  @Field(() => Float, { nullable: true, description: "Cell volume, Å³" })
  volumeAngstrom3!: number | null;

  @Field(() => Float, { nullable: true, description: "Density, g/cm³" })
  densityGPerCm3!: number | null;

  @Field(() => Int, { nullable: true })
  nsites!: number | null;

  @Field(() => String, { nullable: true })
  sourceUrl!: string | null;

  @Field(() => String, { nullable: true, description: "The source's database release this entry was read from" })
  release!: string | null;

  @Field(() => Date)
  fetchedAt!: Date;

  @Field(() => Date, { nullable: true, description: "Set when the source no longer lists this id" })
  withdrawnAt!: Date | null;
}
