import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { EntryResolver, PropertyValueResolver } from "../resolvers/entry.resolver";
import { MaterialConnectionResolver, MaterialResolver } from "../resolvers/material.resolver";
import { SourceResolver } from "../resolvers/source.resolver";
import "./enums";

let schema: Promise<GraphQLSchema> | undefined;

/** The executable schema; built once per process (type-graphql's metadata is global). */
export function buildMatGraphSchema(): Promise<GraphQLSchema> {
  schema ??= buildSchema({
    resolvers: [MaterialResolver, MaterialConnectionResolver, EntryResolver, PropertyValueResolver, SourceResolver],
    validate: false,
    emitSchemaFile: false,
  });
  return schema;
}
