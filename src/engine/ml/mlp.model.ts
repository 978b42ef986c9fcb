import type { DescriptorSetInfo } from "../descriptors/descriptor-set";
import type { Model, ModelState, Task } from "./model";
import { type ForwardResult, type NeuralNetState, NeuralNet, type NeuralParams, gelu, glorot } from "./neural-trainer";
import { tf } from "./tf-backend";

/**
 * A multilayer perceptron on the descriptor vector: hidden layers h ← GELU(W h + b) with
 * dropout, and a linear output (a standardised target, or a logit for classification).
 * Trained by the shared AdamW loop in neural-trainer.ts.
 */
export interface MlpParams extends NeuralParams {
  readonly hidden: number[];
}

export interface MlpState extends ModelState, NeuralNetState {
  readonly kind: "mlp";
  readonly params: MlpParams;
}

export class MlpModel extends NeuralNet implements Model {
  readonly kind = "mlp";
  private readonly hidden: number[];

  constructor(task: Task, info: DescriptorSetInfo, params: Partial<MlpParams> = {}) {
    super(task, info, params);
    this.hidden = params.hidden ?? [256, 128, 64];
  }

  protected initWeights(inputs: number, seed: number): void {
    let prev = inputs;
    this.hidden.forEach((h, i) => {
      this.addWeight(`dense${i}/w`, glorot([prev, h], seed + i));
      this.addWeight(`dense${i}/b`, tf.zeros([h]));
      prev = h;
    });
    this.addWeight("out/w", glorot([prev, 1], seed + 1000));
    this.addWeight("out/b", tf.zeros([1]));
  }

  protected forward(x: tf.Tensor2D, dropoutSeed: number | null): ForwardResult {
    return tf.tidy(() => {
      let h: tf.Tensor = x;
      this.hidden.forEach((_h, i) => {
        h = gelu(tf.add(tf.matMul(h as tf.Tensor2D, this.w(`dense${i}/w`) as tf.Tensor2D), this.w(`dense${i}/b`)));
        h = this.dropout(h, dropoutSeed === null ? null : dropoutSeed + i);
      });
      const out = tf.add(tf.matMul(h as tf.Tensor2D, this.w("out/w") as tf.Tensor2D), this.w("out/b"));
      return { output: tf.reshape(out, [-1]) as tf.Tensor1D };
    });
  }

  toJSON(): MlpState {
    const state = this.neuralState();
    return { kind: "mlp", ...state, params: { ...state.params, hidden: this.hidden } };
  }

  static async fromJSON(state: MlpState, info: DescriptorSetInfo): Promise<MlpModel> {
    const model = new MlpModel(state.task, info, state.params);
    await model.restore(state);
    return model;
  }
}
