import type { ApolloServerPlugin } from "@apollo/server";
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

/**
 * Depth and cost limits, checked after the operation is resolved and before it
 * runs, so that an expensive query is refused with a clear error instead of
 * timing out. Cost counts fields, each multiplied by the page sizes above it: a
 * connection's `first` (default 20), and an assumed fan-out for other lists.
 */
const ASSUMED_LIST_SIZE: Record<string, number> = { entries: 5, properties: 10, sites: 20 };
const DEFAULT_FIRST = 20;

export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxCost: number;
}

export interface QueryMeasure {
  readonly depth: number;
  readonly cost: number;
}

export function measureOperation(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): QueryMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }
  const intArg = (value: ValueNode | undefined): number | undefined => {
    if (!value) return undefined;
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      const v = variables[value.name.value];
      return typeof v === "number" ? v : undefined;
    }
    return undefined;
  };
  const measure = (set: SelectionSetNode, depth: number, visited: ReadonlySet<string>): QueryMeasure => {
    let maxDepth = depth;
    let cost = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith("__")) continue;
        cost += 1;
        if (sel.selectionSet) {
          const first = intArg(sel.arguments?.find((a) => a.name.value === "first")?.value);
          const fanOut =
            first ?? (sel.name.value === "materials" ? DEFAULT_FIRST : (ASSUMED_LIST_SIZE[sel.name.value] ?? 1));
          const inner = measure(sel.selectionSet, depth + 1, visited);
          maxDepth = Math.max(maxDepth, inner.depth);
          cost += Math.max(1, fanOut) * inner.cost;
        }
      } else {
        const fragment = sel.kind === Kind.INLINE_FRAGMENT ? sel : fragments.get(sel.name.value);
        const name = sel.kind === Kind.FRAGMENT_SPREAD ? sel.name.value : undefined;
        if (!fragment || (name && visited.has(name))) continue; // cycles are reported by graphql's own rules
        const inner = measure(fragment.selectionSet, depth, name ? new Set([...visited, name]) : visited);
        maxDepth = Math.max(maxDepth, inner.depth);
        cost += inner.cost;
      }
    }
    return { depth: maxDepth, cost };
  };
  return measure(operation.selectionSet, 0, new Set());
}

/** The error refusing an operation over the limits, or null when it is within them. */
export function queryLimitError(
  limits: QueryLimits,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): GraphQLError | null {
  const { depth, cost } = measureOperation(document, operation, variables);
  if (depth > limits.maxDepth) {
    return new GraphQLError(`query depth ${depth} exceeds the limit of ${limits.maxDepth}`, {
      extensions: { code: "QUERY_TOO_COMPLEX", http: { status: 400 } },
    });
  }
  if (cost > limits.maxCost) {
    return new GraphQLError(
      `query cost ${cost} exceeds the limit of ${limits.maxCost}; ask for fewer fields or smaller pages`,
      { extensions: { code: "QUERY_TOO_COMPLEX", http: { status: 400 } } },
    );
  }
  return null;
}

export function queryLimitsPlugin<TContext extends object>(limits: QueryLimits): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request }) {
          if (!operation) return; // graphql reports a missing operation itself
          const error = queryLimitError(limits, document, operation, request.variables ?? {});
          if (error) throw error;
        },
      };
    },
  };
}
