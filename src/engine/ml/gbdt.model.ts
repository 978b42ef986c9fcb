import type { FeatureMatrix } from "./feature-matrix";
import { selectRows, pick } from "./feature-matrix";
import { FeatureBinner, MAX_BINS } from "./gbdt-binning";
import { CompiledForest } from "./gbdt-forest";
import { ObliviousForest } from "./gbdt-oblivious-forest";
import {
  type FitOptions,
  type FitReport,
  type LabelledData,
  type Model,
  ModelError,
  type ModelState,
  type Prediction,
  type Task,
} from "./model";
import { type Rng, createRng, permutation } from "./random";
import {
  type TargetTransformKind,
  type TargetTransformState,
  IDENTITY_TRANSFORM,
  fitTargetTransform,
  forwardTarget,
  inverseTargetInPlace,
} from "./target-transform";

/**
 * Gradient-boosted decision trees with second-order (Newton) steps, after T. Chen &
 * C. Guestrin, "XGBoost", KDD 2016, and G. Ke et al., "LightGBM", NeurIPS 2017.
 *
 * Each round fits a tree to the gradients gᵢ and Hessians hᵢ of the loss at the current
 * prediction. A leaf with sums G, H gets the value −η G/(H + λ); a split is scored by
 *   gain = G_L²/(H_L + λ) + G_R²/(H_R + λ) − G²/(H + λ)
 * and made only when gain > γ and both sides have H ≥ min_child_weight. Trees grow
 * leaf-wise (best gain first) up to max_leaves and max_depth, or as oblivious trees (one
 * test per level, chosen by the gain summed over the level), on histograms of binned
 * features (a child's histogram is the parent's minus its sibling's, so only the smaller
 * child is scanned). Rows (per tree) and features (per tree) are subsampled; boosting
 * stops when the validation loss has not improved for `earlyStoppingRounds` rounds and
 * keeps the best round. Missing values learn their own direction at every split.
 *
 * Losses: squared error for regression (g = ŷ − y, h = 1) or pseudo-Huber, which is
 * less pulled by outliers (r = ŷ − y, g = r/√(1 + (r/δ)²), h = (1 + (r/δ)²)^(−3/2));
 * logistic for classification
 * (p = σ(ŷ), g = p − y, h = p(1 − p)). Early stopping watches the MAE (regression) or the
 * log-loss (classification) on the validation rows.
 *
 * Uncertainty: `bags` boosters, each on the training rows minus one cross-validation
 * fold (or on a bootstrap resample); the prediction is their mean and the uncertainty
 * their standard deviation (NaN with one bag).
 *
 * Skewed targets ≥ 0 can be boosted as log(1 + y/s) (target-transform.ts); early
 * stopping and predictions are in the target's own unit. Zero-inflated targets get a
 * hurdle model: a classifier for P(y > 0) and boosters fitted on the positive rows; the
 * prediction is 0 where P(y > 0) < ½ (the median, which minimises the MAE). Inference
 * runs on a compiled, byte-quantised copy of the forest: SIMD for oblivious trees
 * (gbdt-oblivious-forest.ts), branch-free walks otherwise (gbdt-forest.ts).
 */
export interface GbdtParams {
  readonly learningRate: number;
  readonly maxRounds: number;
  readonly maxLeaves: number;
  readonly maxDepth: number;
  readonly minChildWeight: number;
  readonly lambda: number;
  readonly gamma: number;
  readonly rowSample: number;
  readonly colSample: number;
  readonly maxBins: number;
  readonly earlyStoppingRounds: number;
  /** Share of the training rows held out for early stopping when no validation set is given. */
  readonly validationFraction: number;
  readonly bags: number;
  readonly seed: number;
  /** Regression loss: squared error, or pseudo-Huber with δ = huberScale × std(y). */
  readonly loss: "squared" | "huber";
  readonly huberScale: number;
  /** Regression only: boost on log(1 + y/s) (see target-transform.ts); "auto" for skewed targets ≥ 0. */
  readonly targetTransform: TargetTransformKind;
  /** s = targetScale × median of the training targets (× their mean when over a quarter are 0). */
  readonly targetScale: number;
  /**
   * How bags differ when bags > 1: bootstrap resamples of the rows, or "folds"
   * (cross-validation bagging: bag b leaves out fold b and stops early on it).
   */
  readonly bagging: "bootstrap" | "folds";
  /**
   * "leafwise": best-gain-first growth up to maxLeaves and maxDepth (LightGBM);
   * "oblivious": one test per level, 2^depth leaves with depth ≤ maxDepth and
   * 2^depth ≤ maxLeaves (CatBoost), which predicts several times faster.
   */
  readonly treeShape: "leafwise" | "oblivious";
  /**
   * Regression only, for zero-inflated targets ≥ 0 (band gaps: metals are exactly 0): a
   * hurdle model, a classifier for P(y > 0) and the regression boosters fitted on the
   * rows with y > 0 alone. "auto" uses it when more than half of the training targets
   * are exactly 0 (see `isHurdleTarget`).
   */
  readonly hurdle: "auto" | "on" | "off";
}

/**
 * The default recipe (what `matgraph train` and `bench:ml` use), one for all tasks, chosen
 * on the CrabNet/Matbench validation splits: η = 0.1 and depth ≤ 6 give about a third of
 * the trees of η = 0.05, depth 10, for about 1 % more MAE; skewed targets ≥ 0 are boosted
 * in log space, zero-inflated ones by a hurdle model; bags are cross-validation folds (see
 * `recommendedBags`). Trees are oblivious (depth 6, 64 leaves, 64 bins, η = 0.12): on the
 * AFLOW modulus and Debye splits their MAE was within ±1.5 % of leaf-wise trees with 15
 * leaves, 30 % of the features, 256 bins and η = 0.1, for about the same training time,
 * and they predict 5–6 times faster (gbdt-oblivious-forest.ts). 64 bins cost a level's
 * gain scan a quarter of 256's. Each tree sees 10.6 % of the features: 23 of the 216
 * composition descriptors, as many as 15 % of the 150 before the Hölder means and
 * cohesion columns came, which keeps the cost of a tree (and the 239k-row OQMD fit
 * inside its budget) while the extra columns took the AFLOW shear MAE from 10.4 to
 * 10.1 GPa (mean of 5 seeds).
 */
export const DEFAULT_GBDT_PARAMS: GbdtParams = {
  learningRate: 0.12,
  maxRounds: 3000,
  maxLeaves: 64,
  maxDepth: 6,
  minChildWeight: 2,
  lambda: 1,
  gamma: 0,
  rowSample: 0.8,
  colSample: 0.106,
  maxBins: 64,
  earlyStoppingRounds: 100,
  validationFraction: 0.1,
  bags: 1,
  seed: 1,
  loss: "squared",
  huberScale: 0.5,
  targetTransform: "auto",
  targetScale: 1,
  bagging: "folds",
  treeShape: "oblivious",
  hurdle: "auto",
};

/** Share of exact zeros above which "auto" fits a hurdle model: from there on the median of y is 0. */
export const HURDLE_ZERO_SHARE = 0.5;

/** Whether the hurdle model applies: targets ≥ 0 with more than `HURDLE_ZERO_SHARE` exact zeros and some positives. */
export function isHurdleTarget(y: ArrayLike<number>): boolean {
  let zeros = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as number;
    if (v < 0) return false;
    if (v === 0) zeros++;
  }
  return zeros > HURDLE_ZERO_SHARE * y.length && zeros < y.length - 1;
}

/** Above this many training rows the default recipe trains one booster instead of fold bags. */
export const LARGE_TABLE_ROWS = 50_000;
export const DEFAULT_FOLD_BAGS = 5;

/**
 * Bags for the default recipe: five cross-validation folds (every row fits four boosters
 * and stops one; the spread of the five is the uncertainty) unless the table is so large
 * that five boosters would not train in minutes, where one booster on 90 % of the rows
 * loses little and there is no bagged uncertainty.
 */
export function recommendedBags(rows: number): number {
  return rows <= LARGE_TABLE_ROWS ? DEFAULT_FOLD_BAGS : 1;
}

/** One tree in flat arrays; feature −1 marks a leaf. */
interface Tree {
  feature: Int32Array;
  bin: Uint8Array;
  threshold: Float64Array;
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

interface Booster {
  base: number;
  trees: Tree[];
}

interface SerializedTree {
  f: number[];
  t: number[];
  m: number[];
  l: number[];
  r: number[];
  v: number[];
}

export interface GbdtState extends ModelState {
  readonly kind: "gbdt";
  readonly params: GbdtParams;
  readonly boosters: { base: number; trees: SerializedTree[] }[];
  /** Absent in models saved before target transforms existed: the identity. */
  readonly targetTransform?: TargetTransformState;
  /** The hurdle model's classifier for P(y > 0); absent when the model has none. */
  readonly gate?: GbdtState;
}

const HIST_STRIDE = MAX_BINS * 2;

interface Split {
  gain: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
  gl: number;
  hl: number;
}

interface OpenLeaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  hist: Float64Array;
  g: number;
  h: number;
  split: Split | null;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

class TreeBuilder {
  private readonly pool: Float64Array[] = [];
  private readonly columns: (Uint8Array | undefined)[] = [];
  /** Split gains summed over a level's nodes (oblivious trees), reused between trees. */
  private gains: Float64Array | null = null;

  constructor(
    private readonly bins: Uint8Array,
    private readonly cols: number,
    private readonly binCounts: Int32Array,
    private readonly p: GbdtParams,
  ) {}

  /** Bins of feature f for every row, copied once: partitions then read one small array, not strided rows. */
  private column(f: number): Uint8Array {
    let c = this.columns[f];
    if (!c) {
      const { bins, cols } = this;
      const rows = bins.length / cols;
      c = new Uint8Array(rows);
      for (let r = 0; r < rows; r++) c[r] = bins[r * cols + f] as number;
      this.columns[f] = c;
    }
    return c;
  }

  private takeHist(): Float64Array {
    return this.pool.pop() ?? new Float64Array(this.cols * HIST_STRIDE);
  }

  private buildHist(
    hist: Float64Array,
    idx: Uint32Array,
    start: number,
    end: number,
    feats: Int32Array,
    grad: Float64Array,
    hess: Float64Array,
  ): void {
    const { bins, cols } = this;
    const nf = feats.length;
    for (let k = 0; k < nf; k++) {
      // Only the bins the feature has: small nodes would otherwise spend most of their time clearing.
      const f = feats[k] as number;
      const o = f * HIST_STRIDE;
      hist.fill(0, o, o + 2 * (this.binCounts[f] as number));
    }
    for (let i = start; i < end; i++) {
      const r = idx[i] as number;
      const g = grad[r] as number;
      const h = hess[r] as number;
      const base = r * cols;
      for (let k = 0; k < nf; k++) {
        const f = feats[k] as number;
        const o = f * HIST_STRIDE + ((bins[base + f] as number) << 1);
        hist[o] = (hist[o] as number) + g;
        hist[o + 1] = (hist[o + 1] as number) + h;
      }
    }
  }

  private findSplit(hist: Float64Array, g: number, h: number, feats: Int32Array): Split | null {
    const { lambda, minChildWeight } = this.p;
    const parentScore = (g * g) / (h + lambda);
    let best: Split | null = null;
    for (let k = 0; k < feats.length; k++) {
      const f = feats[k] as number;
      const o = f * HIST_STRIDE;
      const gm = hist[o] as number;
      const hm = hist[o + 1] as number;
      const nb = this.binCounts[f] as number;
      let gl = 0;
      let hl = 0;
      for (let b = 1; b < nb - 1; b++) {
        gl += hist[o + 2 * b] as number;
        hl += hist[o + 2 * b + 1] as number;
        // Missing values to the right.
        let hr = h - hl;
        if (hl >= minChildWeight && hr >= minChildWeight) {
          const gr = g - gl;
          const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore;
          if (!best || gain > best.gain) best = { gain, feature: f, bin: b, missingLeft: false, gl, hl };
        }
        if (hm > 0) {
          const gl2 = gl + gm;
          const hl2 = hl + hm;
          hr = h - hl2;
          if (hl2 >= minChildWeight && hr >= minChildWeight) {
            const gr = g - gl2;
            const gain = (gl2 * gl2) / (hl2 + lambda) + (gr * gr) / (hr + lambda) - parentScore;
            if (!best || gain > best.gain) best = { gain, feature: f, bin: b, missingLeft: true, gl: gl2, hl: hl2 };
          }
        }
      }
    }
    return best && best.gain > this.p.gamma ? best : null;
  }

  /**
   * An oblivious (symmetric) tree, as in CatBoost (L. Prokhorenkova et al., NeurIPS 2018):
   * every node of a level tests the same feature against the same threshold, the one
   * whose gain summed over the level's nodes is largest (min_child_weight does not apply:
   * λ shrinks the values of sparse leaves instead). Growth stops early when no test
   * gains more than γ, so all leaves share one depth. Stored as an ordinary tree (levels
   * numbered breadth-first, children adjacent), so saving, loading and the tree walk are
   * unchanged, while inference can compute a leaf's index from independent comparisons.
   */
  buildOblivious(
    idx: Uint32Array,
    count: number,
    feats: Int32Array,
    grad: Float64Array,
    hess: Float64Array,
    thresholds: Float64Array[],
  ): Tree {
    const { cols, p } = this;
    const { lambda } = p;
    let g = 0;
    let h = 0;
    for (let i = 0; i < count; i++) {
      const r = idx[i] as number;
      g += grad[r] as number;
      h += hess[r] as number;
    }
    const rootHist = this.takeHist();
    this.buildHist(rootHist, idx, 0, count, feats, grad, hess);
    interface LevelNode {
      start: number;
      end: number;
      g: number;
      h: number;
      hist: Float64Array | null;
    }
    let level: LevelNode[] = [{ start: 0, end: count, g, h, hist: rootHist }];
    const tests: { feature: number; bin: number; missingLeft: boolean }[] = [];
    const gains = (this.gains ??= new Float64Array(cols * HIST_STRIDE));
    for (let depth = 0; depth < p.maxDepth && level.length * 2 <= Math.max(2, p.maxLeaves); depth++) {
      for (let k = 0; k < feats.length; k++) {
        const f = feats[k] as number;
        gains.fill(0, f * HIST_STRIDE, f * HIST_STRIDE + 2 * (this.binCounts[f] as number));
      }
      for (const node of level) {
        const hist = node.hist as Float64Array;
        const parentScore = (node.g * node.g) / (node.h + lambda);
        for (let k = 0; k < feats.length; k++) {
          const f = feats[k] as number;
          const o = f * HIST_STRIDE;
          const gm = hist[o] as number;
          const hm = hist[o + 1] as number;
          const nb = this.binCounts[f] as number;
          let gl = 0;
          let hl = 0;
          // A bin no row of this node falls in leaves the sums, hence the gains, as they
          // were: deep nodes have few rows, so most bins reuse the last gains undivided.
          // (With nothing on the left the gain is exactly 0.)
          let gain = 0;
          if (hm === 0) {
            // No missing values here: both directions for them score the same.
            for (let b = 1; b < nb - 1; b++) {
              const gb = hist[o + 2 * b] as number;
              const hb = hist[o + 2 * b + 1] as number;
              if (gb !== 0 || hb !== 0) {
                gl += gb;
                hl += hb;
                const gr = node.g - gl;
                gain = (gl * gl) / (hl + lambda) + (gr * gr) / (node.h - hl + lambda) - parentScore;
              }
              gains[o + 2 * b] = (gains[o + 2 * b] as number) + gain;
              gains[o + 2 * b + 1] = (gains[o + 2 * b + 1] as number) + gain;
            }
            continue;
          }
          let gainMissingLeft = 0;
          for (let b = 1; b < nb - 1; b++) {
            const gb = hist[o + 2 * b] as number;
            const hb = hist[o + 2 * b + 1] as number;
            if (b === 1 || gb !== 0 || hb !== 0) {
              gl += gb;
              hl += hb;
              const gr = node.g - gl;
              const hr = node.h - hl;
              gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore;
              const gl2 = gl + gm;
              const hl2 = hl + hm;
              const gr2 = node.g - gl2;
              const hr2 = node.h - hl2;
              gainMissingLeft = (gl2 * gl2) / (hl2 + lambda) + (gr2 * gr2) / (hr2 + lambda) - parentScore;
            }
            gains[o + 2 * b] = (gains[o + 2 * b] as number) + gain;
            gains[o + 2 * b + 1] = (gains[o + 2 * b + 1] as number) + gainMissingLeft;
          }
        }
      }
      let best = p.gamma;
      let bestAt = -1;
      for (let k = 0; k < feats.length; k++) {
        const o = (feats[k] as number) * HIST_STRIDE;
        const nb = this.binCounts[feats[k] as number] as number;
        for (let j = o + 2; j < o + 2 * (nb - 1); j++) {
          if ((gains[j] as number) > best) {
            best = gains[j] as number;
            bestAt = j;
          }
        }
      }
      if (bestAt < 0) break;
      const f = Math.floor(bestAt / HIST_STRIDE);
      const bin = (bestAt - f * HIST_STRIDE) >> 1;
      const missingLeft = (bestAt & 1) === 1;
      tests.push({ feature: f, bin, missingLeft });
      const last = depth + 1 >= p.maxDepth || level.length * 4 > Math.max(2, p.maxLeaves);
      const column = this.column(f);
      const next: LevelNode[] = [];
      for (const node of level) {
        let lo = node.start;
        let hi = node.end - 1;
        let gl = 0;
        let hl = 0;
        while (lo <= hi) {
          const r = idx[lo] as number;
          const bv = column[r] as number;
          if (bv === 0 ? missingLeft : bv <= bin) {
            gl += grad[r] as number;
            hl += hess[r] as number;
            lo++;
          } else {
            idx[lo] = idx[hi] as number;
            idx[hi] = r;
            hi--;
          }
        }
        const mid = lo;
        const left: LevelNode = { start: node.start, end: mid, g: gl, h: hl, hist: null };
        const right: LevelNode = { start: mid, end: node.end, g: node.g - gl, h: node.h - hl, hist: null };
        const parentHist = node.hist as Float64Array;
        if (last) {
          this.pool.push(parentHist);
        } else {
          const leftSmaller = mid - node.start <= node.end - mid;
          const small = this.takeHist();
          if (leftSmaller) this.buildHist(small, idx, node.start, mid, feats, grad, hess);
          else this.buildHist(small, idx, mid, node.end, feats, grad, hess);
          for (let k = 0; k < feats.length; k++) {
            const o = (feats[k] as number) * HIST_STRIDE;
            const e = o + 2 * (this.binCounts[feats[k] as number] as number);
            for (let j = o; j < e; j++) parentHist[j] = (parentHist[j] as number) - (small[j] as number);
          }
          left.hist = leftSmaller ? small : parentHist;
          right.hist = leftSmaller ? parentHist : small;
        }
        next.push(left, right);
      }
      level = next;
      if (last) break;
    }
    for (const node of level) if (node.hist) this.pool.push(node.hist);
    // Breadth-first layout: level d holds nodes 2^d − 1 … 2^(d+1) − 2, children of node i at 2i + 1, 2i + 2.
    const depth = tests.length;
    const total = (1 << (depth + 1)) - 1;
    const tree: Tree = {
      feature: new Int32Array(total).fill(-1),
      bin: new Uint8Array(total),
      threshold: new Float64Array(total),
      missingLeft: new Uint8Array(total),
      left: new Int32Array(total).fill(-1),
      right: new Int32Array(total).fill(-1),
      value: new Float64Array(total),
    };
    for (let d = 0; d < depth; d++) {
      const t = tests[d] as { feature: number; bin: number; missingLeft: boolean };
      for (let i = (1 << d) - 1; i < (1 << (d + 1)) - 1; i++) {
        tree.feature[i] = t.feature;
        tree.bin[i] = t.bin;
        tree.threshold[i] = (thresholds[t.feature] as Float64Array)[t.bin - 1] as number;
        tree.missingLeft[i] = t.missingLeft ? 1 : 0;
        tree.left[i] = 2 * i + 1;
        tree.right[i] = 2 * i + 2;
      }
    }
    const firstLeaf = (1 << depth) - 1;
    level.forEach((node, i) => (tree.value[firstLeaf + i] = (-p.learningRate * node.g) / (node.h + lambda)));
    return tree;
  }

  build(
    idx: Uint32Array,
    count: number,
    feats: Int32Array,
    grad: Float64Array,
    hess: Float64Array,
    thresholds: Float64Array[],
  ): Tree {
    const { bins, cols, p } = this;
    const feature: number[] = [-1];
    const binThr: number[] = [0];
    const thr: number[] = [0];
    const missL: number[] = [0];
    const left: number[] = [-1];
    const right: number[] = [-1];
    const value: number[] = [0];

    const rootHist = this.takeHist();
    this.buildHist(rootHist, idx, 0, count, feats, grad, hess);
    let g = 0;
    let h = 0;
    for (let i = 0; i < count; i++) {
      const r = idx[i] as number;
      g += grad[r] as number;
      h += hess[r] as number;
    }
    const open: OpenLeaf[] = [
      {
        node: 0,
        start: 0,
        end: count,
        depth: 0,
        hist: rootHist,
        g,
        h,
        split: p.maxDepth > 0 ? this.findSplit(rootHist, g, h, feats) : null,
      },
    ];
    let leaves = 1;
    while (leaves < p.maxLeaves) {
      let bestAt = -1;
      for (let i = 0; i < open.length; i++) {
        const s = (open[i] as OpenLeaf).split;
        if (s && (bestAt < 0 || s.gain > ((open[bestAt] as OpenLeaf).split as Split).gain)) bestAt = i;
      }
      if (bestAt < 0) break;
      const leaf = open[bestAt] as OpenLeaf;
      const s = leaf.split as Split;
      // Partition the leaf's rows in place: left block first.
      let lo = leaf.start;
      let hi = leaf.end - 1;
      const f = s.feature;
      while (lo <= hi) {
        const bv = bins[(idx[lo] as number) * cols + f] as number;
        const goLeft = bv === 0 ? s.missingLeft : bv <= s.bin;
        if (goLeft) lo++;
        else {
          const t = idx[lo] as number;
          idx[lo] = idx[hi] as number;
          idx[hi] = t;
          hi--;
        }
      }
      const mid = lo;
      const li = feature.length;
      const ri = li + 1;
      for (let k = 0; k < 2; k++) {
        feature.push(-1);
        binThr.push(0);
        thr.push(0);
        missL.push(0);
        left.push(-1);
        right.push(-1);
        value.push(0);
      }
      feature[leaf.node] = f;
      binThr[leaf.node] = s.bin;
      thr[leaf.node] = (thresholds[f] as Float64Array)[s.bin - 1] as number;
      missL[leaf.node] = s.missingLeft ? 1 : 0;
      left[leaf.node] = li;
      right[leaf.node] = ri;

      const leftSmaller = mid - leaf.start <= leaf.end - mid;
      const small = this.takeHist();
      if (leftSmaller) this.buildHist(small, idx, leaf.start, mid, feats, grad, hess);
      else this.buildHist(small, idx, mid, leaf.end, feats, grad, hess);
      const large = leaf.hist;
      for (let k = 0; k < feats.length; k++) {
        const o = (feats[k] as number) * HIST_STRIDE;
        const e = o + 2 * (this.binCounts[feats[k] as number] as number);
        for (let j = o; j < e; j++) large[j] = (large[j] as number) - (small[j] as number);
      }
      const depth = leaf.depth + 1;
      const canSplit = depth < p.maxDepth;
      const lh = leftSmaller ? small : large;
      const rh = leftSmaller ? large : small;
      const gr = leaf.g - s.gl;
      const hr = leaf.h - s.hl;
      const lLeaf: OpenLeaf = { node: li, start: leaf.start, end: mid, depth, hist: lh, g: s.gl, h: s.hl, split: null };
      const rLeaf: OpenLeaf = { node: ri, start: mid, end: leaf.end, depth, hist: rh, g: gr, h: hr, split: null };
      if (canSplit) {
        lLeaf.split = mid - leaf.start >= 2 ? this.findSplit(lh, lLeaf.g, lLeaf.h, feats) : null;
        rLeaf.split = leaf.end - mid >= 2 ? this.findSplit(rh, rLeaf.g, rLeaf.h, feats) : null;
      }
      open.splice(bestAt, 1, lLeaf, rLeaf);
      leaves += 1;
    }
    for (const leaf of open) {
      value[leaf.node] = (-p.learningRate * leaf.g) / (leaf.h + p.lambda);
      this.pool.push(leaf.hist);
    }
    return {
      feature: Int32Array.from(feature),
      bin: Uint8Array.from(binThr),
      threshold: Float64Array.from(thr),
      missingLeft: Uint8Array.from(missL),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      value: Float64Array.from(value),
    };
  }
}

function addTreeOnBins(tree: Tree, bins: Uint8Array, rows: number, cols: number, out: Float64Array): void {
  const { feature, bin, missingLeft, left, right, value } = tree;
  for (let r = 0; r < rows; r++) {
    let node = 0;
    let f = feature[0] as number;
    while (f >= 0) {
      const bv = bins[r * cols + f] as number;
      node = (bv === 0 ? missingLeft[node] === 1 : bv <= (bin[node] as number))
        ? (left[node] as number)
        : (right[node] as number);
      f = feature[node] as number;
    }
    out[r] = (out[r] as number) + (value[node] as number);
  }
}

/** All trees of a booster in one set of arrays, leaves holding their value in `threshold`. */
interface PackedForest {
  base: number;
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  missingLeft: Uint8Array;
  left: Int32Array;
}

function packForest(booster: Booster): PackedForest {
  const total = booster.trees.reduce((s, t) => s + t.feature.length, 0);
  const forest: PackedForest = {
    base: booster.base,
    roots: new Int32Array(booster.trees.length),
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    missingLeft: new Uint8Array(total),
    left: new Int32Array(total),
  };
  let offset = 0;
  booster.trees.forEach((t, i) => {
    forest.roots[i] = offset;
    for (let k = 0; k < t.feature.length; k++) {
      const f = t.feature[k] as number;
      forest.feature[offset + k] = f;
      forest.threshold[offset + k] = f >= 0 ? (t.threshold[k] as number) : (t.value[k] as number);
      forest.missingLeft[offset + k] = t.missingLeft[k] as number;
      forest.left[offset + k] = offset + (t.left[k] as number);
      if (f >= 0 && t.right[k] !== (t.left[k] as number) + 1) throw new ModelError("tree children are not adjacent");
    }
    offset += t.feature.length;
  });
  return forest;
}

function validationLoss(task: Task, y: Float64Array, raw: Float64Array, transform: TargetTransformState): number {
  let s = 0;
  if (task === "regression" && transform.kind === "log1p") {
    // The metric lives in the target's unit, so early stopping does too.
    const scale = transform.scale;
    for (let i = 0; i < y.length; i++) s += Math.abs(scale * Math.expm1(raw[i] as number) - (y[i] as number));
  } else if (task === "regression") {
    for (let i = 0; i < y.length; i++) s += Math.abs((raw[i] as number) - (y[i] as number));
  } else {
    for (let i = 0; i < y.length; i++) {
      const p = Math.min(1 - 1e-15, Math.max(1e-15, sigmoid(raw[i] as number)));
      s -= (y[i] as number) > 0.5 ? Math.log(p) : Math.log(1 - p);
    }
  }
  return s / Math.max(1, y.length);
}

export class GbdtModel implements Model {
  readonly kind = "gbdt";
  readonly params: GbdtParams;
  private boosters: Booster[] = [];
  private transform: TargetTransformState = IDENTITY_TRANSFORM;
  private packed: PackedForest[] | null = null;
  /** Byte-domain forest for fast inference (undefined: not built yet; null: not possible). */
  private compiled: CompiledForest | null | undefined = undefined;
  private oblivious: ObliviousForest | null | undefined = undefined;
  /** Hurdle model: the classifier for P(y > 0); the boosters then model y on positive rows. */
  private gate: GbdtModel | null = null;

  constructor(
    readonly task: Task,
    params: Partial<GbdtParams> = {},
  ) {
    this.params = { ...DEFAULT_GBDT_PARAMS, ...params };
  }

  async fit(train: LabelledData, options: FitOptions = {}): Promise<FitReport> {
    return this.fitSync(train, options);
  }

  fitSync(train: LabelledData, options: FitOptions = {}): FitReport {
    const p = this.params;
    if (train.x.rows !== train.y.length) throw new ModelError("x and y have different numbers of rows");
    if (train.x.rows < 2) throw new ModelError("need at least 2 training rows");
    this.gate = null;
    const hurdle =
      this.task === "regression" && (p.hurdle === "on" || (p.hurdle === "auto" && isHurdleTarget(train.y)));
    if (hurdle) return this.fitHurdle(train, options);
    const rng = createRng(p.seed);
    let fitX = train.x;
    let fitY = train.y;
    let val = options.validation;
    if (p.bags > 1 && p.bagging === "folds") return this.fitFolds(train, val, rng, options.log);
    if (!val && p.earlyStoppingRounds > 0 && p.validationFraction > 0) {
      const perm = permutation(train.x.rows, rng);
      const nVal = Math.max(1, Math.round(train.x.rows * p.validationFraction));
      const vIdx = perm.subarray(0, nVal);
      const tIdx = perm.subarray(nVal);
      val = { x: selectRows(train.x, vIdx), y: pick(train.y, vIdx) };
      fitX = selectRows(train.x, tIdx);
      fitY = pick(train.y, tIdx);
    }
    this.transform =
      this.task === "regression" ? fitTargetTransform(p.targetTransform, fitY, p.targetScale) : IDENTITY_TRANSFORM;
    const fitZ = forwardTarget(this.transform, fitY);
    const binner = FeatureBinner.fit(fitX, p.maxBins, rng);
    const bins = binner.transform(fitX);
    const valBins = val ? binner.transform(val.x) : null;
    const binCounts = Int32Array.from(binner.thresholds, (_t, f) => binner.binCount(f));
    this.boosters = [];
    this.packed = null;
    this.compiled = undefined;
    this.oblivious = undefined;
    let report: FitReport = { rounds: 0, bestRound: 0, bestValidationLoss: NaN, history: [] };
    for (let b = 0; b < p.bags; b++) {
      const weights = new Float64Array(fitX.rows);
      if (p.bags === 1) weights.fill(1);
      else
        for (let i = 0; i < fitX.rows; i++) {
          const j = Math.floor(rng() * fitX.rows);
          weights[j] = (weights[j] as number) + 1;
        }
      const { booster, report: r } = this.trainBooster(
        bins,
        fitX,
        fitZ,
        weights,
        binner,
        binCounts,
        valBins,
        val?.y ?? null,
        rng,
        options.log,
        b,
      );
      this.boosters.push(booster);
      if (b === 0) report = r;
    }
    return report;
  }

  /**
   * The hurdle model: the classifier sees every row (label y > 0), the regressor only the
   * positive ones, so its trees spend no splits separating zeros from the rest and its
   * log transform is fitted to the positive values' own scale.
   */
  private fitHurdle(train: LabelledData, options: FitOptions): FitReport {
    const positive: number[] = [];
    for (let i = 0; i < train.y.length; i++) if ((train.y[i] as number) > 0) positive.push(i);
    if (positive.length < Math.max(2, this.params.bags))
      throw new ModelError(`the hurdle model needs at least ${Math.max(2, this.params.bags)} positive targets`);
    const gate = new GbdtModel("classification", { ...this.params, hurdle: "off" });
    const label = Float64Array.from(train.y, (v) => (v > 0 ? 1 : 0));
    const external = options.validation;
    gate.fitSync(
      { x: train.x, y: label },
      {
        ...options,
        validation: external ? { x: external.x, y: Float64Array.from(external.y, (v) => (v > 0 ? 1 : 0)) } : undefined,
      },
    );
    let validation = external;
    if (external) {
      const keep: number[] = [];
      for (let i = 0; i < external.y.length; i++) if ((external.y[i] as number) > 0) keep.push(i);
      validation = { x: selectRows(external.x, keep), y: pick(external.y, keep) };
    }
    const regressor = new GbdtModel("regression", { ...this.params, hurdle: "off" });
    const report = regressor.fitSync(
      { x: selectRows(train.x, positive), y: pick(train.y, positive) },
      { ...options, validation },
    );
    this.boosters = regressor.boosters;
    this.transform = regressor.transform;
    this.packed = null;
    this.compiled = undefined;
    this.oblivious = undefined;
    this.gate = gate;
    return report;
  }

  /**
   * Cross-validation bagging: the rows are dealt into `bags` folds and bag b trains on all
   * folds but b. Without an external validation set, fold b is bag b's early-stopping set,
   * so every training row is used for fitting by bags − 1 boosters and for stopping by one,
   * where a single held-out split would never fit on its rows.
   */
  private fitFolds(
    train: LabelledData,
    external: LabelledData | undefined,
    rng: Rng,
    log: ((line: string) => void) | undefined,
  ): FitReport {
    const p = this.params;
    const n = train.x.rows;
    if (n < p.bags)
      throw new ModelError(`bagging "folds" needs at least as many rows as bags (${n} rows, ${p.bags} bags)`);
    this.transform =
      this.task === "regression" ? fitTargetTransform(p.targetTransform, train.y, p.targetScale) : IDENTITY_TRANSFORM;
    const z = forwardTarget(this.transform, train.y);
    const binner = FeatureBinner.fit(train.x, p.maxBins, rng);
    const bins = binner.transform(train.x);
    const binCounts = Int32Array.from(binner.thresholds, (_t, f) => binner.binCount(f));
    const externalBins = external ? binner.transform(external.x) : null;
    const perm = permutation(n, rng);
    const m = train.x.cols;
    this.boosters = [];
    this.packed = null;
    this.compiled = undefined;
    this.oblivious = undefined;
    let report: FitReport = { rounds: 0, bestRound: 0, bestValidationLoss: NaN, history: [] };
    for (let b = 0; b < p.bags; b++) {
      const weights = new Float64Array(n).fill(1);
      const fold: number[] = [];
      for (let i = b; i < n; i += p.bags) {
        const r = perm[i] as number;
        weights[r] = 0;
        fold.push(r);
      }
      let valBins = externalBins;
      let valY = external?.y ?? null;
      if (!external && p.earlyStoppingRounds > 0) {
        valBins = new Uint8Array(fold.length * m);
        fold.forEach((r, i) => (valBins as Uint8Array).set(bins.subarray(r * m, (r + 1) * m), i * m));
        valY = pick(train.y, fold);
      }
      const { booster, report: r } = this.trainBooster(
        bins,
        train.x,
        z,
        weights,
        binner,
        binCounts,
        valBins,
        valY,
        rng,
        log,
        b,
      );
      this.boosters.push(booster);
      if (b === 0) report = r;
    }
    return report;
  }

  private trainBooster(
    bins: Uint8Array,
    x: FeatureMatrix,
    y: Float64Array,
    weights: Float64Array,
    binner: FeatureBinner,
    binCounts: Int32Array,
    valBins: Uint8Array | null,
    valY: Float64Array | null,
    rng: Rng,
    log: ((line: string) => void) | undefined,
    bag: number,
  ): { booster: Booster; report: FitReport } {
    const p = this.params;
    const n = x.rows;
    const m = x.cols;
    let wsum = 0;
    let ysum = 0;
    for (let i = 0; i < n; i++) {
      wsum += weights[i] as number;
      ysum += (weights[i] as number) * (y[i] as number);
    }
    const mean = ysum / wsum;
    let yvar = 0;
    for (let i = 0; i < n; i++) yvar += (weights[i] as number) * ((y[i] as number) - mean) ** 2;
    const huberDelta = p.huberScale * Math.sqrt(yvar / wsum) || 1;
    const huber = this.task === "regression" && p.loss === "huber";
    const base = this.task === "regression" ? mean : Math.log(Math.max(1e-6, mean) / Math.max(1e-6, 1 - mean));
    const pred = new Float64Array(n).fill(base);
    const grad = new Float64Array(n);
    const hess = new Float64Array(n);
    const valPred = valY ? new Float64Array(valY.length).fill(base) : null;
    const builder = new TreeBuilder(bins, m, binCounts, p);
    const idx = new Uint32Array(n);
    const nFeat = Math.max(1, Math.round(m * p.colSample));
    const trees: Tree[] = [];
    const history: number[] = [];
    let bestLoss = Infinity;
    let bestRound = -1;
    for (let round = 0; round < p.maxRounds; round++) {
      for (let i = 0; i < n; i++) {
        const w = weights[i] as number;
        if (huber) {
          const r = (pred[i] as number) - (y[i] as number);
          const q = 1 + (r / huberDelta) ** 2;
          grad[i] = (w * r) / Math.sqrt(q);
          hess[i] = w / (q * Math.sqrt(q));
        } else if (this.task === "regression") {
          grad[i] = w * ((pred[i] as number) - (y[i] as number));
          hess[i] = w;
        } else {
          const q = sigmoid(pred[i] as number);
          grad[i] = w * (q - (y[i] as number));
          hess[i] = w * Math.max(q * (1 - q), 1e-12);
        }
      }
      let count = 0;
      for (let i = 0; i < n; i++) {
        if ((weights[i] as number) > 0 && (p.rowSample >= 1 || rng() < p.rowSample)) idx[count++] = i;
      }
      if (count < 2) continue;
      const feats = Int32Array.from(permutation(m, rng).subarray(0, nFeat)).sort();
      const tree =
        p.treeShape === "oblivious"
          ? builder.buildOblivious(idx, count, feats, grad, hess, binner.thresholds)
          : builder.build(idx, count, feats, grad, hess, binner.thresholds);
      trees.push(tree);
      addTreeOnBins(tree, bins, n, m, pred);
      if (valPred && valBins && valY) {
        addTreeOnBins(tree, valBins, valY.length, m, valPred);
        const loss = validationLoss(this.task, valY, valPred, this.transform);
        history.push(loss);
        if (loss < bestLoss - 1e-12) {
          bestLoss = loss;
          bestRound = trees.length - 1;
        } else if (p.earlyStoppingRounds > 0 && trees.length - 1 - bestRound >= p.earlyStoppingRounds) {
          break;
        }
      } else {
        bestRound = trees.length - 1;
      }
      if (log && round % 100 === 0) log(`gbdt bag ${bag} round ${round} val ${history[history.length - 1] ?? NaN}`);
    }
    const kept = trees.slice(0, bestRound + 1);
    return {
      booster: { base, trees: kept },
      report: { rounds: trees.length, bestRound: bestRound + 1, bestValidationLoss: bestLoss, history },
    };
  }

  /** Raw scores (sum of trees) of every bag: out[bag][row]. */
  private rawScores(x: FeatureMatrix): Float64Array[] {
    if (this.boosters.length === 0) throw new ModelError("model is not fitted");
    if (this.oblivious === undefined) this.oblivious = ObliviousForest.compile(this.boosters);
    if (this.oblivious) return this.oblivious.rawScores(x);
    if (this.compiled === undefined) this.compiled = CompiledForest.compile(this.boosters);
    if (this.compiled) return this.compiled.rawScores(x);
    this.packed ??= this.boosters.map(packForest);
    const { rows, cols, data } = x;
    return this.packed.map((forest) => {
      const out = new Float64Array(rows).fill(forest.base);
      const { roots, feature, threshold, missingLeft, left } = forest;
      for (let t = 0; t < roots.length; t++) {
        const root = roots[t] as number;
        for (let r = 0; r < rows; r++) {
          const base = r * cols;
          let node = root;
          let f = feature[node] as number;
          while (f >= 0) {
            const v = data[base + f] as number;
            // Children are adjacent (right = left + 1); NaN compares false, so it goes
            // right unless the split learnt to send missing values left.
            node =
              (left[node] as number) +
              (v <= (threshold[node] as number) || (v !== v && missingLeft[node] === 1) ? 0 : 1);
            f = feature[node] as number;
          }
          out[r] = (out[r] as number) + (threshold[node] as number);
        }
      }
      return out;
    });
  }

  predict(x: FeatureMatrix): Prediction {
    const scores = this.rawScores(x);
    if (this.task === "regression") for (const sc of scores) inverseTargetInPlace(this.transform, sc);
    const k = scores.length;
    const mean = new Float64Array(x.rows);
    const std = new Float64Array(x.rows);
    for (let r = 0; r < x.rows; r++) {
      let s = 0;
      for (const sc of scores) s += this.task === "regression" ? (sc[r] as number) : sigmoid(sc[r] as number);
      const mu = s / k;
      let v = 0;
      for (const sc of scores)
        v += ((this.task === "regression" ? (sc[r] as number) : sigmoid(sc[r] as number)) - mu) ** 2;
      mean[r] = mu;
      std[r] = k > 1 ? Math.sqrt(v / (k - 1)) : NaN;
    }
    if (this.gate) {
      // MAE is minimised by the median: 0 when y = 0 is the likelier outcome, else the
      // regressor's (log-space, so median-like) value for a positive y.
      const pPositive = this.gate.predict(x).mean;
      for (let r = 0; r < x.rows; r++) {
        if ((pPositive[r] as number) < 0.5) mean[r] = 0;
      }
    }
    return { mean, std };
  }

  get treeCount(): number {
    return this.boosters.reduce((s, b) => s + b.trees.length, 0) + (this.gate?.treeCount ?? 0);
  }

  /** Split counts per feature: a cheap importance measure for reports. */
  featureSplitCounts(cols: number): Float64Array {
    const counts = new Float64Array(cols);
    for (const b of this.boosters)
      for (const t of b.trees) for (const f of t.feature) if (f >= 0) counts[f] = (counts[f] as number) + 1;
    return counts;
  }

  toJSON(): GbdtState {
    return {
      kind: "gbdt",
      task: this.task,
      params: this.params,
      targetTransform: this.transform,
      ...(this.gate ? { gate: this.gate.toJSON() } : {}),
      boosters: this.boosters.map((b) => ({
        base: b.base,
        trees: b.trees.map((t) => ({
          f: Array.from(t.feature),
          t: Array.from(t.threshold),
          m: Array.from(t.missingLeft),
          l: Array.from(t.left),
          r: Array.from(t.right),
          v: Array.from(t.value),
        })),
      })),
    };
  }

  static fromJSON(state: GbdtState): GbdtModel {
    const model = new GbdtModel(state.task, state.params);
    model.transform = state.targetTransform ?? IDENTITY_TRANSFORM;
    model.gate = state.gate ? GbdtModel.fromJSON(state.gate) : null;
    model.boosters = state.boosters.map((b) => ({
      base: b.base,
      trees: b.trees.map((t) => ({
        feature: Int32Array.from(t.f),
        bin: new Uint8Array(t.f.length),
        threshold: Float64Array.from(t.t),
        missingLeft: Uint8Array.from(t.m),
        left: Int32Array.from(t.l),
        right: Int32Array.from(t.r),
        value: Float64Array.from(t.v),
      })),
    }));
    return model;
  }
}
