import type { FeatureMatrix } from "./feature-matrix";
import { ModelError } from "./model";

/**
 * Fast inference for boosted trees: every tree of every bag packed into one set of typed
 * arrays, evaluated on bytes rather than doubles.
 *
 * Why bins: a forest only ever compares a feature with the thresholds its own trees use.
 * Sorting those thresholds per feature (cuts c₀ < c₁ < …) and replacing a value v by its
 * rank bin(v) = 1 + #{cⱼ < v} (0 for NaN) turns every test "v ≤ cⱼ" into "bin ≤ j + 1"
 * exactly, so predictions are bit-identical to walking the trees on raw values, while a
 * row shrinks from 8 bytes to 1 byte per used feature and each node needs one 32-bit word
 * for its test. Each row is quantised once (a binary search per used feature), which costs
 * far less than the thousands of node visits that follow.
 *
 * Why row blocks: trees are visited in the outer loop and a block of rows in the inner
 * one, so one tree's nodes and the block's bins both stay in the L1 cache.
 *
 * Node encoding (split word s ≥ 0): slot = s >>> 10 (index among the used features),
 * shift = (s >>> 9) & 1 and limit = s & 511; the row goes left when
 * ((bin − shift) & 255) < limit. Missing values learnt to go left get shift 0 and
 * limit j + 2 (bin 0 passes); those sent right get shift 1 and limit j + 1, so bin 0
 * wraps to 255 and fails. Children are adjacent (right = left + 1). A leaf
 * points to itself and always "goes left", so every walk takes exactly the tree's depth
 * in steps with no data-dependent branch; its value sits in `leafValue`.
 */
export interface TreeArrays {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
}

/** Most distinct thresholds per feature that still let every bin fit in one byte (bin 0 = missing). */
const MAX_CUTS = 254;
const BLOCK_ROWS = 128;
/** A leaf tests slot 0 against limit 256, which every byte passes, and points to itself: walks that arrive early stay put. */
const LEAF = 256;

export class CompiledForest {
  private constructor(
    /** Original column of each used feature (slot). */
    private readonly slotFeature: Int32Array,
    /** Sorted distinct thresholds of each slot. */
    private readonly cuts: Float64Array[],
    private readonly split: Int32Array,
    private readonly child: Int32Array,
    private readonly leafValue: Float64Array,
    /** roots[bag] holds the first node of each of that bag's trees. */
    private readonly roots: Int32Array[],
    /** Longest root-to-leaf path of each tree: walks take exactly that many steps. */
    private readonly depths: Uint8Array[],
    private readonly bases: Float64Array,
  ) {}

  /** Null when some feature uses more than 254 distinct thresholds (not from one binner). */
  static compile(
    boosters: readonly { readonly base: number; readonly trees: readonly TreeArrays[] }[],
  ): CompiledForest | null {
    const perFeature = new Map<number, Set<number>>();
    let total = 0;
    for (const b of boosters) {
      for (const t of b.trees) {
        total += t.feature.length;
        for (let k = 0; k < t.feature.length; k++) {
          const f = t.feature[k] as number;
          if (f < 0) continue;
          let s = perFeature.get(f);
          if (!s) perFeature.set(f, (s = new Set()));
          s.add(t.threshold[k] as number);
        }
      }
    }
    const features = [...perFeature.keys()].sort((a, b) => a - b);
    const slotOf = new Int32Array((features[features.length - 1] ?? -1) + 1).fill(-1);
    const cuts: Float64Array[] = [];
    for (let slot = 0; slot < features.length; slot++) {
      const f = features[slot] as number;
      const c = Float64Array.from(perFeature.get(f) as Set<number>).sort();
      if (c.length > MAX_CUTS) return null;
      slotOf[f] = slot;
      cuts.push(c);
    }
    const split = new Int32Array(total);
    const child = new Int32Array(total);
    const leafValue = new Float64Array(total);
    const roots: Int32Array[] = [];
    const depths: Uint8Array[] = [];
    let offset = 0;
    for (const b of boosters) {
      const r = new Int32Array(b.trees.length);
      const dep = new Uint8Array(b.trees.length);
      b.trees.forEach((t, i) => {
        r[i] = offset;
        dep[i] = treeDepth(t);
        for (let k = 0; k < t.feature.length; k++) {
          const f = t.feature[k] as number;
          const at = offset + k;
          if (f < 0) {
            split[at] = LEAF;
            child[at] = at;
            leafValue[at] = t.value[k] as number;
            continue;
          }
          if (t.right[k] !== (t.left[k] as number) + 1) throw new ModelError("tree children are not adjacent");
          const slot = slotOf[f] as number;
          const j = lowerBound(cuts[slot] as Float64Array, t.threshold[k] as number);
          split[at] = t.missingLeft[k] === 1 ? (slot << 10) | (j + 2) : (slot << 10) | (1 << 9) | (j + 1);
          child[at] = offset + (t.left[k] as number);
        }
        offset += t.feature.length;
      });
      roots.push(r);
      depths.push(dep);
    }
    return new CompiledForest(
      Int32Array.from(features),
      cuts,
      split,
      child,
      leafValue,
      roots,
      depths,
      Float64Array.from(boosters, (b) => b.base),
    );
  }

  /** Sum of the trees of each bag for every row: out[bag][row] (raw scores, before any link function). */
  rawScores(x: FeatureMatrix): Float64Array[] {
    const { rows, cols, data } = x;
    const nSlots = this.slotFeature.length;
    const needed = (this.slotFeature[nSlots - 1] ?? -1) + 1;
    if (cols < needed)
      throw new ModelError(`the model splits on feature ${needed - 1} but the input has ${cols} columns`);
    const out = this.roots.map((_r, b) => new Float64Array(rows).fill(this.bases[b] as number));
    const bins = new Uint8Array(Math.min(rows, BLOCK_ROWS) * Math.max(1, nSlots));
    const { split, child, leafValue } = this;
    for (let start = 0; start < rows; start += BLOCK_ROWS) {
      const end = Math.min(rows, start + BLOCK_ROWS);
      for (let r = start; r < end; r++) {
        const o = (r - start) * nSlots;
        const rowBase = r * cols;
        for (let s = 0; s < nSlots; s++) {
          const v = data[rowBase + (this.slotFeature[s] as number)] as number;
          bins[o + s] = v !== v ? 0 : lowerBound(this.cuts[s] as Float64Array, v) + 1;
        }
      }
      for (let b = 0; b < this.roots.length; b++) {
        const roots = this.roots[b] as Int32Array;
        const depths = this.depths[b] as Uint8Array;
        const acc = out[b] as Float64Array;
        for (let t = 0; t < roots.length; t++) {
          const root = roots[t] as number;
          const depth = depths[t] as number;
          let r = start;
          // Four rows at a time: their walks are independent, so the CPU overlaps the
          // load → compare → load chains that bound a single walk.
          for (; r + 4 <= end; r += 4) {
            const o0 = (r - start) * nSlots;
            const o1 = o0 + nSlots;
            const o2 = o1 + nSlots;
            const o3 = o2 + nSlots;
            let n0 = root;
            let n1 = root;
            let n2 = root;
            let n3 = root;
            for (let d = 0; d < depth; d++) {
              const s0 = split[n0] as number;
              const s1 = split[n1] as number;
              const s2 = split[n2] as number;
              const s3 = split[n3] as number;
              n0 =
                (child[n0] as number) +
                (((s0 & 511) - 1 - (((bins[o0 + (s0 >>> 10)] as number) - ((s0 >>> 9) & 1)) & 255)) >>> 31);
              n1 =
                (child[n1] as number) +
                (((s1 & 511) - 1 - (((bins[o1 + (s1 >>> 10)] as number) - ((s1 >>> 9) & 1)) & 255)) >>> 31);
              n2 =
                (child[n2] as number) +
                (((s2 & 511) - 1 - (((bins[o2 + (s2 >>> 10)] as number) - ((s2 >>> 9) & 1)) & 255)) >>> 31);
              n3 =
                (child[n3] as number) +
                (((s3 & 511) - 1 - (((bins[o3 + (s3 >>> 10)] as number) - ((s3 >>> 9) & 1)) & 255)) >>> 31);
            }
            acc[r] = (acc[r] as number) + (leafValue[n0] as number);
            acc[r + 1] = (acc[r + 1] as number) + (leafValue[n1] as number);
            acc[r + 2] = (acc[r + 2] as number) + (leafValue[n2] as number);
            acc[r + 3] = (acc[r + 3] as number) + (leafValue[n3] as number);
          }
          for (; r < end; r++) {
            const o = (r - start) * nSlots;
            let n = root;
            for (let d = 0; d < depth; d++) {
              const s = split[n] as number;
              n =
                (child[n] as number) +
                (((s & 511) - 1 - (((bins[o + (s >>> 10)] as number) - ((s >>> 9) & 1)) & 255)) >>> 31);
            }
            acc[r] = (acc[r] as number) + (leafValue[n] as number);
          }
        }
      }
    }
    return out;
  }
}

function treeDepth(t: TreeArrays): number {
  let deepest = 0;
  const stack: number[] = [0, 0];
  while (stack.length > 0) {
    const d = stack.pop() as number;
    const node = stack.pop() as number;
    if ((t.feature[node] as number) < 0) deepest = Math.max(deepest, d);
    else stack.push(t.left[node] as number, d + 1, t.right[node] as number, d + 1);
  }
  if (deepest > 255) throw new ModelError(`tree depth ${deepest} exceeds 255`);
  return deepest;
}

/** First index j with cuts[j] ≥ v (cuts.length when none). */
function lowerBound(cuts: Float64Array, v: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cuts[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
