/** Typed errors of the MD engine; each carries a fixed `code` callers can switch on. */

export class PotentialFormatError extends Error {
  readonly code = "POTENTIAL_FORMAT";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PotentialFormatError";
  }
}

export class UncoveredElementError extends Error {
  readonly code = "UNCOVERED_ELEMENT";
  constructor(
    readonly element: string,
    readonly covered: readonly string[],
    potentialName: string,
  ) {
    super(`potential ${potentialName} does not cover element ${element} (covers: ${covered.join(", ") || "none"})`);
    this.name = "UncoveredElementError";
  }
}

export class InvalidSystemError extends Error {
  readonly code = "INVALID_SYSTEM";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidSystemError";
  }
}

export class ConvergenceError extends Error {
  readonly code = "CONVERGENCE";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConvergenceError";
  }
}

export class AbortedError extends Error {
  readonly code = "ABORTED";
  constructor(message = "MD run aborted", options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AbortedError";
  }
}

export class UnknownNameError extends Error {
  readonly code = "UNKNOWN_NAME";
  constructor(kind: string, name: string, known: readonly string[]) {
    super(`unknown ${kind} "${name}" (known: ${known.join(", ")})`);
    this.name = "UnknownNameError";
  }
}

export class InvalidOptionError extends Error {
  readonly code = "INVALID_OPTION";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidOptionError";
  }
}
