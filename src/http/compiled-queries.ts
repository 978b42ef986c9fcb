import {
  Kind,
  type DirectiveNode,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
// The CommonJS file by name: under vitest, `graphql` resolves to its ESM build for our sources while type-graphql,
// Apollo and graphql-jit load the CommonJS one, and graphql refuses schema types from the other build.
import { getVariableValues } from "graphql/execution/values.js";
import { GraphQLError } from "graphql/error/GraphQLError.js";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";

/**
 * Query operations compiled by graphql-jit, one function per document and
 * operation, over the same schema and resolvers as graphql-js.
 *
 * A 50-material page resolves about a thousand fields; graphql-js walks the
 * document for each of them and wraps each in promise bookkeeping, the largest
 * share of the CPU such a request took. The compiled function does the same
 * work in straight-line code.
 *
 * Compiled functions are kept per parsed document (a WeakMap): Apollo's document
 * store hands back the same document object for the same query text, so its
 * LRU bounds this cache as well, and a document it drops takes its compiled
 * functions with it.
 */
export type QueryResult = ExecutionResult<Record<string, unknown>>;

export interface CompiledQueriesOptions {
  /** Called once per operation the compiler declines (graphql-js then runs it). */
  readonly onCompileFailure?: (operationName: string | null, reason: string) => void;
}

export class CompiledQueries {
  private readonly byDocument = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly options: CompiledQueriesOptions = {},
  ) {}

  /**
   * Runs a query operation compiled, or returns null when it should run on
   * graphql-js instead: not a query (mutations and subscriptions keep graphql-js's
   * semantics), declined by the compiler, or with variables that do not coerce
   * (so that their errors are worded exactly as graphql-js words them).
   */
  run(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    context: unknown,
    variables: Readonly<Record<string, unknown>>,
  ): Promise<QueryResult> | QueryResult | null {
    if (operation.operation !== "query") return null;
    const query = this.compiled(document, operation);
    if (!query) return null;
    const coerced = getVariableValues(this.schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 });
    if ("errors" in coerced) return null;
    const result = query.query(undefined, context, variables) as Promise<QueryResult> | QueryResult;
    return result instanceof Promise ? result.then(withGraphQLErrors) : withGraphQLErrors(result);
  }

  /**
   * The JSON text of a result `run` returned for this operation. Where the
   * selection holds only built-in scalars and enums, graphql-jit compiles a
   * serializer for exactly its shape (fast-json-stringify), which writes the same
   * text as `JSON.stringify` in about two thirds of the time; other operations
   * use `JSON.stringify`.
   */
  stringify(document: DocumentNode, operation: OperationDefinitionNode, result: QueryResult): string {
    return (this.compiled(document, operation)?.stringify ?? JSON.stringify)(result);
  }

  private compiled(document: DocumentNode, operation: OperationDefinitionNode): CompiledQuery | null {
    let byOperation = this.byDocument.get(document);
    if (!byOperation) {
      byOperation = new Map();
      this.byDocument.set(document, byOperation);
    }
    const name = operation.name?.value ?? "";
    let query = byOperation.get(name);
    if (query === undefined) {
      const result = hasConditionalSelections(document) ? null : this.compile(document, operation);
      if (result === null) {
        query = null;
      } else if (isCompiledQuery(result)) {
        query = result;
      } else {
        query = null;
        const reason = result.errors?.map((e) => e.message).join("; ") ?? "unknown";
        this.options.onCompileFailure?.(operation.name?.value ?? null, reason);
      }
      byOperation.set(name, query);
    }
    return query;
  }

  private compile(document: DocumentNode, operation: OperationDefinitionNode): CompiledQuery | ExecutionResult {
    const name = operation.name?.value;
    // The serializer's schema knows no custom scalars (DateTime, JSON): such selections compile without it.
    const withSerializer = compileQuery(this.schema, document, name, { customJSONSerializer: true });
    return isCompiledQuery(withSerializer) ? withSerializer : compileQuery(this.schema, document, name);
  }
}

/**
 * graphql-jit 0.8 places fields it merges across conditionally included
 * fragments in another order than graphql-js (and the spec) do, so documents with
 * @skip or @include anywhere run on graphql-js; the hot queries use neither.
 */
function hasConditionalSelections(document: DocumentNode): boolean {
  const isConditional = (node: { readonly directives?: ReadonlyArray<DirectiveNode> }) =>
    node.directives?.some((d) => d.name.value === "skip" || d.name.value === "include") ?? false;
  const visit = (set: SelectionSetNode | undefined): boolean =>
    set?.selections.some((selection) => {
      if (isConditional(selection)) return true;
      return selection.kind !== Kind.FRAGMENT_SPREAD && visit(selection.selectionSet);
    }) ?? false;
  return document.definitions.some(
    (definition) =>
      (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) &&
      visit(definition.selectionSet),
  );
}

/**
 * graphql-jit reports errors with its own lightweight error class, whose
 * `extensions` is absent rather than empty; Apollo reads `extensions.code` off
 * every error and would turn each into an opaque internal error. They become
 * graphql-js errors with the same message, locations, path, cause and extensions.
 */
function withGraphQLErrors(result: QueryResult): QueryResult {
  if (!result.errors) return result;
  const errors = result.errors.map((jitError) => {
    const error = new GraphQLError(jitError.message, {
      path: jitError.path,
      originalError: jitError.originalError ?? undefined,
      extensions: jitError.extensions,
    });
    // Locations come from the query's nodes, which graphql-jit resolved at compile time and does not keep.
    if (jitError.locations) Object.assign(error, { locations: jitError.locations });
    return error;
  });
  return { ...result, errors };
}
