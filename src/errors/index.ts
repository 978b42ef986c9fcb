/**
 * Typed errors with fixed codes. Apollo's formatError maps them to GraphQL
 * `extensions.code`; anything else is an internal error whose message is hidden
 * from clients in production.
 */
export abstract class MatGraphError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    options?: { cause?: unknown },
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class NotFoundError extends MatGraphError {
  readonly code = "NOT_FOUND";
}

export class InvalidInputError extends MatGraphError {
  readonly code = "BAD_USER_INPUT";
}

export class UnauthenticatedError extends MatGraphError {
  readonly code = "UNAUTHENTICATED";
}

export class UpstreamError extends MatGraphError {
  readonly code = "UPSTREAM_UNAVAILABLE";
}

export class QueryTooComplexError extends MatGraphError {
  readonly code = "QUERY_TOO_COMPLEX";
}
