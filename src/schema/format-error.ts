import type { GraphQLFormattedError } from "graphql";
import { MatGraphError } from "../errors";

/** GraphQL's own codes (validation, parsing, bad variables) and our request plugins' codes pass through unchanged. */
const PASS_THROUGH = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "BAD_REQUEST",
  "QUERY_TOO_COMPLEX",
  "UNAUTHENTICATED",
]);

/**
 * The single mapping from errors to what clients see: our typed errors keep
 * their message and code; anything else is logged in full and, in production,
 * answered with a bare INTERNAL_SERVER_ERROR (no SQL, no stack).
 */
export function createErrorFormatter(isProduction: boolean, log: (message: string, error: unknown) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrap(error);
    if (original instanceof MatGraphError) {
      return {
        message: original.message,
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: original.code, ...(original.details ?? {}) },
      };
    }
    const code = formatted.extensions?.["code"];
    if (typeof code === "string" && PASS_THROUGH.has(code)) {
      return isProduction ? { ...formatted, extensions: { code } } : formatted;
    }
    log("internal error while executing a query", original);
    if (isProduction) {
      return {
        message: "Internal server error",
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: "INTERNAL_SERVER_ERROR" },
      };
    }
    return { ...formatted, extensions: { ...formatted.extensions, code: "INTERNAL_SERVER_ERROR" } };
  };
}

/** The error a resolver threw, beneath GraphQL's wrapping (compared structurally: graphql may be loaded twice, CJS and ESM). */
function unwrap(error: unknown): unknown {
  let current = error;
  for (let i = 0; i < 5; i++) {
    const inner = (current as { originalError?: unknown } | null)?.originalError;
    if (!inner) return current;
    current = inner;
  }
  return current;
}
