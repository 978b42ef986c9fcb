import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from "graphql";

/**
 * Depth and cost limits, checked before execution so that an expensive query is
 * refused with a clear error instead of timing out. Cost counts fields, each
 * multiplied by the page sizes above it: a connection's `first` (default 20),
 * and an assumed fan-out for lists without one.
 */
const ASSUMED_LIST_SIZE: Record<string, number> = { entries: 5, properties: 10, sites: 20 };
const DEFAULT_FIRST = 20;

interface Limits {
  readonly maxDepth: number;
  readonly maxCost: number;
}

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "QUERY_TOO_COMPLEX" } });
}

export function queryLimitsRule(limits: Limits) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const variables = new Map<string, unknown>();

    const intArg = (value: ValueNode | undefined): number | undefined => {
      if (!value) return undefined;
      if (value.kind === Kind.INT) return Number(value.value);
      if (value.kind === Kind.VARIABLE) {
        const v = variables.get(value.name.value);
        return typeof v === "number" ? v : undefined;
      }
      return undefined;
    };

    const measure = (set: SelectionSetNode, depth: number, visited: Set<string>): { depth: number; cost: number } => {
      let maxDepth = depth;
      let cost = 0;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          if (sel.name.value.startsWith("__")) continue;
          cost += 1;
          if (sel.selectionSet) {
            const first = intArg(sel.arguments?.find((a) => a.name.value === "first")?.value);
            const fanOut = first ?? (sel.name.value === "materials" ? DEFAULT_FIRST : ASSUMED_LIST_SIZE[sel.name.value] ?? 1);
            const inner = measure(sel.selectionSet, depth + 1, visited);
            maxDepth = Math.max(maxDepth, inner.depth);
            cost += Math.max(1, fanOut) * inner.cost;
          }
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          const inner = measure(sel.selectionSet, depth, visited);
          maxDepth = Math.max(maxDepth, inner.depth);
          cost += inner.cost;
        } else {
          const fragment = fragments.get(sel.name.value);
          if (!fragment || visited.has(fragment.name.value)) continue; // cycles are reported by graphql's own rules
          const inner = measure(fragment.selectionSet, depth, new Set([...visited, fragment.name.value]));
          maxDepth = Math.max(maxDepth, inner.depth);
          cost += inner.cost;
        }
      }
      return { depth: maxDepth, cost };
    };

    return {
      OperationDefinition(node) {
        for (const def of node.variableDefinitions ?? []) {
          if (def.defaultValue?.kind === Kind.INT) variables.set(def.variable.name.value, Number(def.defaultValue.value));
        }
        const { depth, cost } = measure(node.selectionSet, 1, new Set());
        if (depth > limits.maxDepth) {
          context.reportError(limitError(`query depth ${depth} exceeds the limit of ${limits.maxDepth}`));
        }
        if (cost > limits.maxCost) {
          context.reportError(
            limitError(`query cost ${cost} exceeds the limit of ${limits.maxCost}; ask for fewer fields or smaller pages`),
          );
        }
      },
    };
  };
}
