import type { FeatureMatrix } from "./feature-matrix";

/**
 * The one interface every model implements: fit on a matrix of descriptors, predict a
 * mean and an uncertainty (a standard deviation, in the target's unit; for classifiers
 * the mean is P(y = 1)), and serialise to plain JSON that reproduces predictions exactly.
 */
export type Task = "regression" | "classification";

export interface Prediction {
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

export interface LabelledData {
  readonly x: FeatureMatrix;
  readonly y: Float64Array;
}

export interface FitOptions {
  /** Held-out rows for early stopping; models carve one from the training rows when absent. */
  readonly validation?: LabelledData;
  /** Progress lines (the engine prints nothing itself). */
  readonly log?: (line: string) => void;
}

export interface FitReport {
  readonly rounds: number;
  readonly bestRound: number;
  readonly bestValidationLoss: number;
  /** Validation loss per round or epoch. */
  readonly history: number[];
}

export interface ModelState {
  readonly kind: string;
  readonly task: Task;
  readonly [key: string]: unknown;
}

export interface Model {
  readonly kind: string;
  readonly task: Task;
  fit(train: LabelledData, options?: FitOptions): Promise<FitReport>;
  predict(x: FeatureMatrix): Prediction;
  toJSON(): ModelState;
}

export class ModelError extends Error {
  readonly code = "MODEL";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ModelError";
  }
}
