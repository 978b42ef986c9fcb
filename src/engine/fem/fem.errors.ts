/**
 * Typed errors of the finite-element engine. Each carries a fixed `code` so callers
 * (CLI, services) can branch on the failure without parsing messages.
 */
export class FemMeshError extends Error {
  readonly code = "FEM_MESH";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FemMeshError";
  }
}

/** A malformed Gmsh `.msh` text; `line` is 1-based. */
export class MeshFormatError extends Error {
  readonly code = "FEM_MESH_FORMAT";
  constructor(
    readonly line: number,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid .msh at line ${line}: ${reason}`, options);
    this.name = "MeshFormatError";
  }
}

/** Invalid model input: unknown set names, bad material constants, bad loads. */
export class FemModelError extends Error {
  readonly code = "FEM_MODEL";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FemModelError";
  }
}

/** The stiffness (or conductivity) matrix is singular: rigid-body motion not restrained. */
export class SingularModelError extends Error {
  readonly code = "FEM_SINGULAR";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SingularModelError";
  }
}

export class ConvergenceError extends Error {
  readonly code = "FEM_CONVERGENCE";
  constructor(
    readonly iterations: number,
    readonly relativeResidual: number,
    options?: { cause?: unknown },
  ) {
    super(
      `conjugate gradients did not converge: relative residual ${relativeResidual.toExponential(3)} after ${iterations} iterations`,
      options,
    );
    this.name = "ConvergenceError";
  }
}

export class CancelledError extends Error {
  readonly code = "FEM_CANCELLED";
  constructor(readonly stage: string) {
    super(`finite-element ${stage} cancelled`);
    this.name = "CancelledError";
  }
}

/** An element with a non-positive Jacobian determinant (inverted or degenerate). */
export class ElementDistortionError extends Error {
  readonly code = "FEM_ELEMENT_DISTORTED";
  constructor(
    readonly element: number,
    readonly detJ: number,
  ) {
    super(`element ${element} has a non-positive Jacobian determinant (${detJ.toExponential(3)})`);
    this.name = "ElementDistortionError";
  }
}
