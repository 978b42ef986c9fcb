/**
 * Typed errors of the mesoscale engine. Each carries a fixed `code` so the CLI and services
 * can branch on the failure without parsing messages. Solver non-convergence reuses the FEM
 * engine's `ConvergenceError`.
 */
export class MicroModelError extends Error {
  readonly code = "MICRO_MODEL";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MicroModelError";
  }
}
