/** A symmetric positive-definite preconditioner: z ≈ A⁻¹ r. */
export interface Preconditioner {
  readonly name: string;
  apply(r: Float64Array, z: Float64Array): void;
}
