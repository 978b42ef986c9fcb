import type { GraphQLFieldResolver, GraphQLObjectType, GraphQLSchema } from "graphql";
import type { PropertyKey } from "../domain/property-key";
import type { Source } from "../domain/source";
import type { GraphQLContext } from "../schema/context";
import type { EntryRecord, MaterialRecord } from "../services/records";
import { EntryResolver } from "./entry.resolver";
import { MaterialResolver } from "./material.resolver";

/**
 * type-graphql calls each field resolver through a wrapper that sorts the
 * method's parameter list, passes every argument through an async validation
 * step (even with validation off) and joins them with `Promise.all`: half a dozen
 * promises and microtask turns before the method runs. A 50-material page calls
 * the list fields below once per material or entry, about 150 times, and that
 * wrapper cost more than the fields' work.
 *
 * Their arguments are enums and lists of enums, already coerced by graphql and
 * never converted to classes or validated, so these fields call the same
 * resolver methods straight, with the arguments type-graphql would pass. The
 * schema (SDL) does not change; only the `resolve` functions behind it do.
 */
interface ListFieldArgs {
  readonly source?: Source | null;
  readonly sources?: Source[] | null;
  readonly keys?: PropertyKey[] | null;
}

type DirectResolver = GraphQLFieldResolver<never, GraphQLContext, ListFieldArgs>;

function directResolvers(): Record<string, Record<string, DirectResolver>> {
  const material = new MaterialResolver();
  const entry = new EntryResolver();
  return {
    Material: {
      entries: (root: MaterialRecord, args, ctx) => material.entries(root, ctx, args.source, args.sources),
      properties: (root: MaterialRecord, args, ctx) => material.properties(root, ctx, args.keys, args.sources),
    },
    Entry: {
      properties: (root: EntryRecord, args, ctx) => entry.properties(root, ctx, args.keys),
    },
  };
}

/** Replaces the type-graphql wrappers of the read API's list fields; call once on the built schema. */
export function resolveListFieldsDirectly(schema: GraphQLSchema): void {
  for (const [typeName, fields] of Object.entries(directResolvers())) {
    // Not `isObjectType`: under vitest the schema's types come from graphql's other (CommonJS) build.
    const type = schema.getType(typeName) as Partial<GraphQLObjectType> | undefined;
    if (typeof type?.getFields !== "function") throw new Error(`schema has no object type ${typeName}`);
    for (const [fieldName, resolve] of Object.entries(fields)) {
      const field = type.getFields()[fieldName];
      if (!field) throw new Error(`schema has no field ${typeName}.${fieldName}`);
      field.resolve = resolve as GraphQLFieldResolver<unknown, unknown>;
    }
  }
}
