import { type DescriptorSetInfo, featureGroups } from "../descriptors/descriptor-set";
import type { Model, ModelState, Task } from "./model";
import {
  type ForwardResult,
  type NeuralNetState,
  NeuralNet,
  type NeuralParams,
  gelu,
  glorot,
  layerNorm,
} from "./neural-trainer";
import { tf } from "./tf-backend";

/**
 * The seed paper's multiscale fusion model. Each descriptor group (one length scale:
 * atomic identity, bonding, valence electrons, elemental solids, stoichiometry, crystal
 * structure, simulation results, …) is embedded as one token
 *   tᵢ = xᵢ Wᵢ + bᵢ + eᵢ   (eᵢ a learnt scale embedding),
 * then:
 * 1. a pre-LayerNorm Transformer encoder (A. Vaswani et al., NeurIPS 2017): per layer
 *    h ← h + MHSA(LN(h)), h ← h + W₂ GELU(W₁ LN(h)), multi-head scaled dot-product attention;
 * 2. global fusion, squeeze-and-excitation style (J. Hu et al., CVPR 2018): z = mean over
 *    tokens, s = σ(W_b ReLU(W_a z)), tokens gated channel-wise h ← h ⊙ s, g = mean(h);
 * 3. multiscale attention fusion, non-local attention across scale groups (X. Wang et
 *    al., CVPR 2018): α = softmax_i((g W_q)·(hᵢ W_k)/√d), f = Σᵢ αᵢ hᵢ W_v;
 * 4. a head on [g, f]: GELU MLP to one output;
 * 5. a cross-scale consistency penalty λ · mean_i (ŷᵢ − ŷ)², ŷᵢ = hᵢ·w_c + b_c the
 *    prediction from scale i alone: scales are pushed to agree with the fused answer.
 * Modules 2, 3 and 5 can be switched off for ablations.
 */
export interface FusionParams extends NeuralParams {
  readonly dModel: number;
  readonly heads: number;
  readonly layers: number;
  readonly ffnDim: number;
  readonly consistencyWeight: number;
  readonly useGlobalFusion: boolean;
  readonly useMultiscaleFusion: boolean;
  readonly useConsistency: boolean;
}

export const DEFAULT_FUSION_PARAMS = {
  dModel: 32,
  heads: 4,
  layers: 2,
  ffnDim: 64,
  consistencyWeight: 0.1,
  useGlobalFusion: true,
  useMultiscaleFusion: true,
  useConsistency: true,
} as const;

export interface FusionState extends ModelState, NeuralNetState {
  readonly kind: "fusion";
  readonly params: FusionParams;
}

type Arch = Omit<FusionParams, keyof NeuralParams>;

export class FusionModel extends NeuralNet implements Model {
  readonly kind = "fusion";
  private readonly arch: Arch;
  private readonly groups: number[][];

  constructor(task: Task, info: DescriptorSetInfo, params: Partial<FusionParams> = {}) {
    super(task, info, params);
    this.arch = {
      dModel: params.dModel ?? DEFAULT_FUSION_PARAMS.dModel,
      heads: params.heads ?? DEFAULT_FUSION_PARAMS.heads,
      layers: params.layers ?? DEFAULT_FUSION_PARAMS.layers,
      ffnDim: params.ffnDim ?? DEFAULT_FUSION_PARAMS.ffnDim,
      consistencyWeight: params.consistencyWeight ?? DEFAULT_FUSION_PARAMS.consistencyWeight,
      useGlobalFusion: params.useGlobalFusion ?? DEFAULT_FUSION_PARAMS.useGlobalFusion,
      useMultiscaleFusion: params.useMultiscaleFusion ?? DEFAULT_FUSION_PARAMS.useMultiscaleFusion,
      useConsistency: params.useConsistency ?? DEFAULT_FUSION_PARAMS.useConsistency,
    };
    if (this.arch.dModel % this.arch.heads !== 0) throw new RangeError("dModel must be a multiple of heads");
    this.groups = featureGroups(info).map((g) => g.columns);
  }

  get tokenCount(): number {
    return this.groups.length;
  }

  protected initWeights(_inputs: number, seed: number): void {
    const { dModel: d, ffnDim, layers } = this.arch;
    let s = seed * 1000;
    const next = (): number => ++s;
    this.groups.forEach((cols, i) => {
      this.addWeight(`embed${i}/w`, glorot([cols.length, d], next()));
      this.addWeight(`embed${i}/b`, tf.zeros([d]));
    });
    this.addWeight("scale_embedding", tf.randomNormal([this.groups.length, d], 0, 0.02, "float32", next()));
    for (let l = 0; l < layers; l++) {
      for (const n of ["q", "k", "v", "o"]) this.addWeight(`enc${l}/${n}/w`, glorot([d, d], next()));
      this.addWeight(`enc${l}/ln1/g`, tf.ones([d]));
      this.addWeight(`enc${l}/ln1/b`, tf.zeros([d]));
      this.addWeight(`enc${l}/ln2/g`, tf.ones([d]));
      this.addWeight(`enc${l}/ln2/b`, tf.zeros([d]));
      this.addWeight(`enc${l}/ffn1/w`, glorot([d, ffnDim], next()));
      this.addWeight(`enc${l}/ffn1/b`, tf.zeros([ffnDim]));
      this.addWeight(`enc${l}/ffn2/w`, glorot([ffnDim, d], next()));
      this.addWeight(`enc${l}/ffn2/b`, tf.zeros([d]));
    }
    this.addWeight("final_ln/g", tf.ones([d]));
    this.addWeight("final_ln/b", tf.zeros([d]));
    const squeeze = Math.max(4, d / 4);
    this.addWeight("se/a/w", glorot([d, squeeze], next()));
    this.addWeight("se/a/b", tf.zeros([squeeze]));
    this.addWeight("se/b/w", glorot([squeeze, d], next()));
    this.addWeight("se/b/b", tf.zeros([d]));
    for (const n of ["q", "k", "v"]) this.addWeight(`msaf/${n}/w`, glorot([d, d], next()));
    const headIn = this.arch.useMultiscaleFusion ? 2 * d : d;
    this.addWeight("head1/w", glorot([headIn, d], next()));
    this.addWeight("head1/b", tf.zeros([d]));
    this.addWeight("head2/w", glorot([d, 1], next()));
    this.addWeight("head2/b", tf.zeros([1]));
    this.addWeight("consistency/w", glorot([d, 1], next()));
    this.addWeight("consistency/b", tf.zeros([1]));
  }

  /** [B, G, d] × [d, e] → [B, G, e]. */
  private tokenwise(h: tf.Tensor, w: tf.Tensor): tf.Tensor3D {
    const [b, g, d] = h.shape as [number, number, number];
    return tf.reshape(tf.matMul(tf.reshape(h, [b * g, d]) as tf.Tensor2D, w as tf.Tensor2D), [
      b,
      g,
      w.shape[1] as number,
    ]);
  }

  protected forward(x: tf.Tensor2D, dropoutSeed: number | null): ForwardResult {
    return tf.tidy(() => {
      const { dModel: d, heads, layers } = this.arch;
      const dh = d / heads;
      const batch = x.shape[0];
      const g = this.groups.length;
      const tokens = this.groups.map((cols, i) => {
        const xi = tf.gather(x, tf.tensor1d(Int32Array.from(cols), "int32"), 1) as tf.Tensor2D;
        return tf.add(tf.matMul(xi, this.w(`embed${i}/w`) as tf.Tensor2D), this.w(`embed${i}/b`));
      });
      let h: tf.Tensor = tf.add(tf.stack(tokens, 1), this.w("scale_embedding"));
      let seed = dropoutSeed;
      const drop = (t: tf.Tensor): tf.Tensor => this.dropout(t, seed === null ? null : seed++);
      const splitHeads = (t: tf.Tensor): tf.Tensor => tf.transpose(tf.reshape(t, [batch, g, heads, dh]), [0, 2, 1, 3]);
      for (let l = 0; l < layers; l++) {
        const a = layerNorm(h, this.w(`enc${l}/ln1/g`), this.w(`enc${l}/ln1/b`));
        const q = splitHeads(this.tokenwise(a, this.w(`enc${l}/q/w`)));
        const k = splitHeads(this.tokenwise(a, this.w(`enc${l}/k/w`)));
        const v = splitHeads(this.tokenwise(a, this.w(`enc${l}/v/w`)));
        const att = tf.softmax(tf.div(tf.matMul(q as tf.Tensor4D, k as tf.Tensor4D, false, true), Math.sqrt(dh)));
        const ctx = tf.reshape(tf.transpose(tf.matMul(att, v as tf.Tensor4D), [0, 2, 1, 3]), [batch, g, d]);
        h = tf.add(h, drop(this.tokenwise(ctx, this.w(`enc${l}/o/w`))));
        const b2 = layerNorm(h, this.w(`enc${l}/ln2/g`), this.w(`enc${l}/ln2/b`));
        const f1 = gelu(tf.add(this.tokenwise(b2, this.w(`enc${l}/ffn1/w`)), this.w(`enc${l}/ffn1/b`)));
        h = tf.add(h, drop(tf.add(this.tokenwise(f1, this.w(`enc${l}/ffn2/w`)), this.w(`enc${l}/ffn2/b`))));
      }
      h = layerNorm(h, this.w("final_ln/g"), this.w("final_ln/b"));
      if (this.arch.useGlobalFusion) {
        const z = tf.mean(h, 1) as tf.Tensor2D;
        const sa = tf.relu(tf.add(tf.matMul(z, this.w("se/a/w") as tf.Tensor2D), this.w("se/a/b"))) as tf.Tensor2D;
        const gate = tf.sigmoid(tf.add(tf.matMul(sa, this.w("se/b/w") as tf.Tensor2D), this.w("se/b/b")));
        h = tf.mul(h, tf.expandDims(gate, 1));
      }
      const pooled = tf.mean(h, 1) as tf.Tensor2D;
      let headIn: tf.Tensor2D = pooled;
      if (this.arch.useMultiscaleFusion) {
        const q = tf.matMul(pooled, this.w("msaf/q/w") as tf.Tensor2D);
        const k = this.tokenwise(h, this.w("msaf/k/w"));
        const v = this.tokenwise(h, this.w("msaf/v/w"));
        const alpha = tf.softmax(tf.div(tf.sum(tf.mul(k, tf.expandDims(q, 1)), -1), Math.sqrt(d)));
        const fused = tf.sum(tf.mul(v, tf.expandDims(alpha, -1)), 1) as tf.Tensor2D;
        headIn = tf.concat([pooled, fused], 1);
      }
      const hidden = gelu(
        tf.add(tf.matMul(drop(headIn) as tf.Tensor2D, this.w("head1/w") as tf.Tensor2D), this.w("head1/b")),
      );
      const output = tf.reshape(
        tf.add(tf.matMul(hidden as tf.Tensor2D, this.w("head2/w") as tf.Tensor2D), this.w("head2/b")),
        [-1],
      ) as tf.Tensor1D;
      if (!this.arch.useConsistency || this.arch.consistencyWeight <= 0) return { output };
      const perScale = tf.reshape(tf.add(this.tokenwise(h, this.w("consistency/w")), this.w("consistency/b")), [
        batch,
        g,
      ]);
      const penalty = tf.mul(
        this.arch.consistencyWeight,
        tf.mean(tf.square(tf.sub(perScale, tf.expandDims(output, 1)))),
      ) as tf.Scalar;
      return { output, penalty };
    });
  }

  toJSON(): FusionState {
    const state = this.neuralState();
    return { kind: "fusion", ...state, params: { ...state.params, ...this.arch } };
  }

  static async fromJSON(state: FusionState, info: DescriptorSetInfo): Promise<FusionModel> {
    const model = new FusionModel(state.task, info, state.params);
    await model.restore(state);
    return model;
  }
}
