import { InvalidInputError, MatGraphError } from "../errors";

/**
 * A filter the OPTIMADE rules reject (a syntax error, an unknown property of
 * ours, a timestamp that does not parse): HTTP 400, GraphQL BAD_USER_INPUT.
 * `position` is the 0-based character offset in the filter text where the
 * problem starts.
 */
export class OptimadeFilterError extends InvalidInputError {
  constructor(
    message: string,
    readonly position: number,
    options?: { cause?: unknown },
  ) {
    super(message, options, { position });
  }
}

/**
 * A valid filter using a construct the OPTIMADE specification leaves OPTIONAL
 * and we do not implement, or comparing values of different types: the
 * specification asks for HTTP 501 in both cases.
 */
export class OptimadeNotImplementedError extends MatGraphError {
  readonly code = "NOT_IMPLEMENTED";
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message, undefined, { position });
  }
}
