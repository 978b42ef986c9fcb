import type { ApolloServerOptionsWithGateway, BaseContext } from "@apollo/server";
import type { GraphQLSchema } from "graphql";
// CommonJS files by name, the build the schema's types come from (see compiled-queries.ts).
import { execute } from "graphql/execution/execute.js";
import { printSchema } from "graphql/utilities/printSchema.js";
import type { CompiledQueries, QueryResult } from "./compiled-queries";

/**
 * Apollo's "gateway" hook, used only to swap its `execute`: Apollo still parses,
 * validates, runs every plugin (private reads, query limits), formats errors
 * and writes the response, and queries run compiled (see compiled-queries.ts).
 * What the compiler does not take runs on graphql-js exactly as Apollo would
 * run it without a gateway (its incremental-delivery wrapper is a plain
 * `execute` on graphql 16).
 */
type Gateway = ApolloServerOptionsWithGateway<BaseContext>["gateway"];
type SchemaListener = Parameters<Gateway["onSchemaLoadOrUpdate"]>[0];

export function jitGateway(schema: GraphQLSchema, compiled: CompiledQueries): Gateway {
  const listeners = new Set<SchemaListener>();
  return {
    onSchemaLoadOrUpdate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async load() {
      const schemaContext = { apiSchema: schema, coreSupergraphSdl: printSchema(schema) };
      for (const listener of listeners) listener(schemaContext);
      return {
        async executor({ document, operation, request, context }) {
          const variables = request.variables ?? {};
          const result = operation ? compiled.run(document, operation, context, variables) : null;
          if (result) return result;
          return execute({
            schema,
            document,
            contextValue: context,
            variableValues: variables,
            operationName: request.operationName,
          }) as QueryResult | Promise<QueryResult>;
        },
      };
    },
    async stop() {
      listeners.clear();
    },
  };
}
