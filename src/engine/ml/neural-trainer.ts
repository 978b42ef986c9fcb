import type { DescriptorSetInfo } from "../descriptors/descriptor-set";
import { type NormaliserState, UnitGroupNormaliser } from "../descriptors/unit-group.normaliser";
import { type FeatureMatrix, pick, selectRows } from "./feature-matrix";
import { type FitOptions, type FitReport, type LabelledData, ModelError, type Prediction, type Task } from "./model";
import { createRng, permutation } from "./random";
import { initTf, tf } from "./tf-backend";

/**
 * The training loop shared by the tfjs models: inputs z-scored by unit group (statistics
 * from the training rows, saved with the model), regression targets standardised,
 * mini-batch Adam with decoupled weight decay (AdamW: I. Loshchilov & F. Hutter, ICLR
 * 2019) applied to weight matrices only, a linear learning-rate warm-up followed by a
 * cosine decay, early stopping on the validation loss with the best weights restored,
 * and Monte-Carlo dropout for the uncertainty (Y. Gal & Z. Ghahramani, ICML 2016):
 * the prediction is the deterministic pass, the uncertainty the standard deviation over
 * `mcSamples` seeded dropout passes. Every random draw is seeded.
 */
export interface NeuralParams {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly warmupEpochs: number;
  readonly patience: number;
  readonly dropout: number;
  readonly mcSamples: number;
  readonly validationFraction: number;
  readonly seed: number;
}

export const DEFAULT_NEURAL_PARAMS: NeuralParams = {
  epochs: 300,
  batchSize: 64,
  learningRate: 2e-3,
  weightDecay: 1e-4,
  warmupEpochs: 5,
  patience: 30,
  dropout: 0.1,
  mcSamples: 16,
  validationFraction: 0.1,
  seed: 1,
};

export interface SavedTensor {
  readonly shape: number[];
  readonly values: number[];
}

export interface ForwardResult {
  /** Predicted (standardised) target or logit, shape [batch]. */
  readonly output: tf.Tensor1D;
  /** Extra loss terms (already weighted), e.g. the fusion model's consistency penalty. */
  readonly penalty?: tf.Scalar;
}

export interface NeuralNetState {
  readonly task: Task;
  readonly params: NeuralParams;
  readonly normaliser: NormaliserState;
  readonly targetMean: number;
  readonly targetStd: number;
  readonly weights: Record<string, SavedTensor>;
}

/** Glorot-uniform initial weights, seeded. */
export function glorot(shape: [number, number], seed: number): tf.Tensor {
  const limit = Math.sqrt(6 / (shape[0] + shape[1]));
  return tf.randomUniform(shape, -limit, limit, "float32", seed);
}

/** GELU, tanh form (D. Hendrycks & K. Gimpel, 2016). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
    return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
  });
}

export function layerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gain), bias);
  });
}

export abstract class NeuralNet {
  protected weights = new Map<string, tf.Variable>();
  private normaliser: UnitGroupNormaliser | null = null;
  private targetMean = 0;
  private targetStd = 1;
  readonly params: NeuralParams;

  protected constructor(
    readonly task: Task,
    readonly info: DescriptorSetInfo,
    params: Partial<NeuralParams>,
  ) {
    this.params = { ...DEFAULT_NEURAL_PARAMS, ...params };
  }

  /** Create the variables (seeded) for `inputs` features. */
  protected abstract initWeights(inputs: number, seed: number): void;

  /** The network; `dropoutSeed` null means a deterministic pass. */
  protected abstract forward(x: tf.Tensor2D, dropoutSeed: number | null): ForwardResult;

  protected addWeight(name: string, init: tf.Tensor): void {
    this.weights.set(name, tf.variable(init, true));
    init.dispose();
  }

  protected w(name: string): tf.Variable {
    const v = this.weights.get(name);
    if (!v) throw new ModelError(`missing weight ${name}`);
    return v;
  }

  protected dropout(x: tf.Tensor, seed: number | null): tf.Tensor {
    return seed === null || this.params.dropout <= 0 ? x : tf.dropout(x, this.params.dropout, undefined, seed);
  }

  private toTensor(x: FeatureMatrix): tf.Tensor2D {
    const norm = this.normaliser;
    if (!norm) throw new ModelError("model is not fitted");
    const data = new Float32Array(x.rows * x.cols);
    const row = new Float64Array(x.cols);
    for (let r = 0; r < x.rows; r++) {
      norm.transform(x.data.subarray(r * x.cols, (r + 1) * x.cols), row);
      data.set(row, r * x.cols);
    }
    return tf.tensor2d(data, [x.rows, x.cols]);
  }

  private loss(x: tf.Tensor2D, y: tf.Tensor1D, dropoutSeed: number | null): tf.Scalar {
    const { output, penalty } = this.forward(x, dropoutSeed);
    const base =
      this.task === "regression" ? tf.losses.meanSquaredError(y, output) : tf.losses.sigmoidCrossEntropy(y, output);
    return (penalty ? tf.add(base, penalty) : base) as tf.Scalar;
  }

  async fit(train: LabelledData, options: FitOptions = {}): Promise<FitReport> {
    await initTf();
    const p = this.params;
    const rng = createRng(p.seed);
    let fitX = train.x;
    let fitY = train.y;
    let val = options.validation;
    if (!val) {
      const perm = permutation(train.x.rows, rng);
      const nVal = Math.max(1, Math.round(train.x.rows * p.validationFraction));
      val = { x: selectRows(train.x, perm.subarray(0, nVal)), y: pick(train.y, perm.subarray(0, nVal)) };
      fitX = selectRows(train.x, perm.subarray(nVal));
      fitY = pick(train.y, perm.subarray(nVal));
    }
    const rows: Float64Array[] = [];
    for (let r = 0; r < fitX.rows; r++) rows.push(fitX.data.subarray(r * fitX.cols, (r + 1) * fitX.cols));
    this.normaliser = UnitGroupNormaliser.fit(rows, this.info.features);
    if (this.task === "regression") {
      let s = 0;
      for (const v of fitY) s += v;
      this.targetMean = s / fitY.length;
      let ss = 0;
      for (const v of fitY) ss += (v - this.targetMean) ** 2;
      this.targetStd = Math.sqrt(ss / fitY.length) || 1;
    }
    this.disposeWeights();
    this.initWeights(fitX.cols, p.seed);
    const scaleY = (y: Float64Array): tf.Tensor1D =>
      tf.tensor1d(
        Float32Array.from(y, (v) => (this.task === "regression" ? (v - this.targetMean) / this.targetStd : v)),
      );
    const xAll = this.toTensor(fitX);
    const yAll = scaleY(fitY);
    const xVal = this.toTensor(val.x);
    const yVal = scaleY(val.y);
    const names = [...this.weights.keys()];
    const vars = names.map((n) => this.w(n));
    const m = vars.map((v) => tf.variable(tf.zerosLike(v), false));
    const s = vars.map((v) => tf.variable(tf.zerosLike(v), false));
    const decay = names.map((n) => n.endsWith("/w"));
    const [b1, b2, eps] = [0.9, 0.999, 1e-8];
    const batchesPerEpoch = Math.ceil(fitX.rows / p.batchSize);
    const totalSteps = p.epochs * batchesPerEpoch;
    const warmupSteps = p.warmupEpochs * batchesPerEpoch;
    let step = 0;
    let best = Infinity;
    let bestEpoch = -1;
    let bestWeights: tf.Tensor[] | null = null;
    const history: number[] = [];
    let epoch = 0;
    try {
      for (; epoch < p.epochs; epoch++) {
        const order = permutation(fitX.rows, rng);
        for (let b = 0; b < batchesPerEpoch; b++) {
          step += 1;
          const lr =
            step <= warmupSteps
              ? (p.learningRate * step) / warmupSteps
              : p.learningRate *
                0.5 *
                (1 + Math.cos((Math.PI * (step - warmupSteps)) / Math.max(1, totalSteps - warmupSteps)));
          const dropoutSeed = Math.floor(rng() * 2 ** 31);
          tf.tidy(() => {
            const idx = tf.tensor1d(Int32Array.from(order.subarray(b * p.batchSize, (b + 1) * p.batchSize)), "int32");
            const xb = tf.gather(xAll, idx) as tf.Tensor2D;
            const yb = tf.gather(yAll, idx) as tf.Tensor1D;
            const { grads } = tf.variableGrads(() => this.loss(xb, yb, dropoutSeed), vars);
            const c1 = 1 - b1 ** step;
            const c2 = 1 - b2 ** step;
            vars.forEach((v, i) => {
              const g = grads[v.name];
              if (!g) return;
              const mi = m[i] as tf.Variable;
              const si = s[i] as tf.Variable;
              mi.assign(tf.add(tf.mul(b1, mi), tf.mul(1 - b1, g)));
              si.assign(tf.add(tf.mul(b2, si), tf.mul(1 - b2, tf.square(g))));
              const update = tf.div(tf.div(mi, c1), tf.add(tf.sqrt(tf.div(si, c2)), eps));
              const decayed = decay[i] ? tf.mul(v, 1 - lr * p.weightDecay) : v;
              v.assign(tf.sub(decayed, tf.mul(lr, update)));
            });
          });
        }
        const valLoss = tf.tidy(() => this.loss(xVal, yVal, null).dataSync()[0] as number);
        history.push(valLoss);
        if (valLoss < best - 1e-7) {
          best = valLoss;
          bestEpoch = epoch;
          bestWeights?.forEach((t) => t.dispose());
          bestWeights = vars.map((v) => tf.clone(v));
        } else if (epoch - bestEpoch >= p.patience) {
          epoch += 1;
          break;
        }
        if (options.log && epoch % 10 === 0) options.log(`epoch ${epoch} val loss ${valLoss.toFixed(5)}`);
      }
      if (bestWeights) vars.forEach((v, i) => v.assign((bestWeights as tf.Tensor[])[i] as tf.Tensor));
    } finally {
      bestWeights?.forEach((t) => t.dispose());
      [...m, ...s].forEach((t) => t.dispose());
      [xAll, yAll, xVal, yVal].forEach((t) => t.dispose());
    }
    return { rounds: epoch, bestRound: bestEpoch + 1, bestValidationLoss: best, history };
  }

  predict(x: FeatureMatrix): Prediction {
    if (this.weights.size === 0) throw new ModelError("model is not fitted");
    const xt = this.toTensor(x);
    try {
      const run = (dropoutSeed: number | null): Float64Array => {
        const t = tf.tidy(() => this.forward(xt, dropoutSeed).output);
        const raw = t.dataSync();
        t.dispose();
        return Float64Array.from(raw, (v) =>
          this.task === "regression" ? v * this.targetStd + this.targetMean : 1 / (1 + Math.exp(-v)),
        );
      };
      const mean = run(null);
      const std = new Float64Array(x.rows).fill(NaN);
      if (this.params.mcSamples > 1 && this.params.dropout > 0) {
        const sum = new Float64Array(x.rows);
        const sq = new Float64Array(x.rows);
        for (let k = 0; k < this.params.mcSamples; k++) {
          const sample = run(this.params.seed * 7919 + k);
          for (let r = 0; r < x.rows; r++) {
            sum[r] = (sum[r] as number) + (sample[r] as number);
            sq[r] = (sq[r] as number) + (sample[r] as number) ** 2;
          }
        }
        const n = this.params.mcSamples;
        for (let r = 0; r < x.rows; r++) {
          const mu = (sum[r] as number) / n;
          std[r] = Math.sqrt(Math.max(0, (sq[r] as number) / n - mu * mu) * (n / (n - 1)));
        }
      }
      return { mean, std };
    } finally {
      xt.dispose();
    }
  }

  protected neuralState(): NeuralNetState {
    if (!this.normaliser) throw new ModelError("model is not fitted");
    const weights: Record<string, SavedTensor> = {};
    for (const [name, v] of this.weights) weights[name] = { shape: v.shape.slice(), values: Array.from(v.dataSync()) };
    return {
      task: this.task,
      params: this.params,
      normaliser: this.normaliser.toJSON(),
      targetMean: this.targetMean,
      targetStd: this.targetStd,
      weights,
    };
  }

  protected async restore(state: NeuralNetState): Promise<void> {
    await initTf();
    this.normaliser = UnitGroupNormaliser.fromJSON(state.normaliser);
    this.targetMean = state.targetMean;
    this.targetStd = state.targetStd;
    this.disposeWeights();
    for (const [name, t] of Object.entries(state.weights))
      this.addWeight(name, tf.tensor(Float32Array.from(t.values), t.shape));
  }

  private disposeWeights(): void {
    for (const v of this.weights.values()) v.dispose();
    this.weights.clear();
  }

  /** Free the tensors (tfjs memory is not garbage-collected). */
  dispose(): void {
    this.disposeWeights();
  }
}
