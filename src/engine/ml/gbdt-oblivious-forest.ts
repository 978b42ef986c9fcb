import type { FeatureMatrix } from "./feature-matrix";
import type { TreeArrays } from "./gbdt-forest";
import { instantiateSimdKernel, type SimdRun } from "./gbdt-oblivious-simd";
import { ModelError } from "./model";

/**
 * Fast inference for forests of oblivious trees (one test per level, stored breadth-first:
 * children of node i at 2i + 1 and 2i + 2, see `buildOblivious` in gbdt.model.ts).
 *
 * Why: in an oblivious tree the test at each level does not depend on the earlier
 * outcomes, so a row's leaf index is d independent comparisons, bit l being "went right
 * at level l", with no chain of dependent loads as in a tree walk. The loops run level by
 * level over a block of rows whose features are byte bins stored feature-major, so each
 * inner loop is a streaming compare-and-shift: 16 rows per instruction in the WebAssembly
 * SIMD kernel (gbdt-oblivious-simd.ts), or scalar loops where that is unavailable.
 *
 * Bins and tests are those of gbdt-forest.ts: a value's bin is 1 + #{thresholds of its
 * feature below it} (0 for NaN), and a test on the j-th threshold goes left when
 * ((bin − shift) & 255) < limit (shift 0, limit j + 2 when missing values go left;
 * shift 1, limit j + 1 when they go right). Sums are taken per bag in tree order from the
 * base score, so they are bit-identical to walking the trees.
 */
const MAX_CUTS = 254;
const BLOCK_ROWS = 256;
/** The SIMD kernel keeps a leaf index in one byte. */
const MAX_SIMD_DEPTH = 8;

/** The forest laid out in WebAssembly memory for the SIMD kernel (gbdt-oblivious-simd.ts). */
interface SimdLayout {
  run: SimdRun;
  /** The kernel's memory (it never grows, so views on it stay valid). */
  buffer: ArrayBuffer;
  /** Program byte offset of each bag's first tree. */
  progStart: Int32Array;
  leaves: number;
  bins: number;
  scratch: number;
  acc: number;
}

export class ObliviousForest {
  private constructor(
    private readonly slotFeature: Int32Array,
    private readonly cuts: Float64Array[],
    /** Tests of tree t: levels [levelStart[t], levelStart[t + 1]). */
    private readonly levelStart: Int32Array,
    private readonly levelSlot: Int32Array,
    private readonly levelShift: Int32Array,
    private readonly levelLimit: Int32Array,
    /** 2^depth leaf values of tree t from leafStart[t], in breadth-first order. */
    private readonly leafStart: Int32Array,
    private readonly leafValue: Float64Array,
    /** Trees of bag b: [bagStart[b], bagStart[b + 1]). */
    private readonly bagStart: Int32Array,
    private readonly bases: Float64Array,
    useSimd: boolean,
  ) {
    if (!useSimd) this.simd = null;
  }

  /** The cuts laid out for binBlock's search, built on first use. */
  private search: { padded: Float64Array[]; firstStep: Int32Array } | null = null;

  /** Whether predictions run on the WebAssembly SIMD kernel (else on scalar loops). */
  get usesSimd(): boolean {
    return this.simdLayout() !== null;
  }

  /** Undefined: not laid out yet; null: the scalar loops are used. */
  private simd: SimdLayout | null | undefined = undefined;

  private simdLayout(): SimdLayout | null {
    if (this.simd !== undefined) return this.simd;
    const { levelStart, levelSlot, levelShift, levelLimit, leafStart, leafValue, bagStart } = this;
    const trees = levelStart.length - 1;
    for (let t = 0; t < trees; t++) {
      if ((levelStart[t + 1] as number) - (levelStart[t] as number) > MAX_SIMD_DEPTH) return (this.simd = null);
    }
    const align = (n: number, a: number): number => Math.ceil(n / a) * a;
    const progBytes = 8 * trees + 12 * (levelStart[trees] as number);
    const leaves = align(progBytes, 16);
    const bins = align(leaves + 8 * leafValue.length, 16);
    const scratch = bins + Math.max(1, this.slotFeature.length) * BLOCK_ROWS;
    const acc = scratch + BLOCK_ROWS;
    const kernel = instantiateSimdKernel(acc + 8 * BLOCK_ROWS);
    if (!kernel) return (this.simd = null);
    const { run, buffer } = kernel;
    const words = new Uint32Array(buffer, 0, progBytes / 4);
    const progStart = new Int32Array(bagStart.length);
    let w = 0;
    for (let t = 0; t < trees; t++) {
      for (let b = 0; b < bagStart.length; b++) if (bagStart[b] === t) progStart[b] = 4 * w;
      words[w++] = (levelStart[t + 1] as number) - (levelStart[t] as number);
      words[w++] = 8 * (leafStart[t] as number);
      for (let l = levelStart[t] as number; l < (levelStart[t + 1] as number); l++) {
        words[w++] = (levelSlot[l] as number) * BLOCK_ROWS;
        words[w++] = levelShift[l] as number;
        words[w++] = levelLimit[l] as number;
      }
    }
    for (let b = 0; b < bagStart.length; b++) if (bagStart[b] === trees) progStart[b] = 4 * w;
    new Float64Array(buffer, leaves, leafValue.length).set(leafValue);
    return (this.simd = { run, buffer, progStart, leaves, bins, scratch, acc });
  }

  /** Null unless every tree is oblivious in breadth-first layout and every feature has at most 254 thresholds. */
  static compile(
    boosters: readonly { readonly base: number; readonly trees: readonly TreeArrays[] }[],
    options: { readonly simd?: boolean } = {},
  ): ObliviousForest | null {
    const depths: number[] = [];
    const perFeature = new Map<number, Set<number>>();
    for (const b of boosters) {
      for (const t of b.trees) {
        const d = obliviousDepth(t);
        if (d < 0) return null;
        depths.push(d);
        for (let l = 0; l < d; l++) {
          const node = (1 << l) - 1;
          const f = t.feature[node] as number;
          let s = perFeature.get(f);
          if (!s) perFeature.set(f, (s = new Set()));
          s.add(t.threshold[node] as number);
        }
      }
    }
    const features = [...perFeature.keys()].sort((a, b) => a - b);
    const slotOf = new Map<number, number>();
    const cuts: Float64Array[] = [];
    for (const f of features) {
      const c = Float64Array.from(perFeature.get(f) as Set<number>).sort();
      if (c.length > MAX_CUTS) return null;
      slotOf.set(f, cuts.length);
      cuts.push(c);
    }
    const trees = depths.length;
    const levelStart = new Int32Array(trees + 1);
    const leafStart = new Int32Array(trees + 1);
    depths.forEach((d, t) => {
      levelStart[t + 1] = (levelStart[t] as number) + d;
      leafStart[t + 1] = (leafStart[t] as number) + (1 << d);
    });
    const levelSlot = new Int32Array(levelStart[trees] as number);
    const levelShift = new Int32Array(levelStart[trees] as number);
    const levelLimit = new Int32Array(levelStart[trees] as number);
    const leafValue = new Float64Array(leafStart[trees] as number);
    const bagStart = new Int32Array(boosters.length + 1);
    let t = 0;
    boosters.forEach((b, bi) => {
      for (const tree of b.trees) {
        const d = depths[t] as number;
        for (let l = 0; l < d; l++) {
          const node = (1 << l) - 1;
          const slot = slotOf.get(tree.feature[node] as number) as number;
          const j = lowerBound(cuts[slot] as Float64Array, tree.threshold[node] as number);
          const at = (levelStart[t] as number) + l;
          levelSlot[at] = slot;
          const missingLeft = tree.missingLeft[node] === 1;
          levelShift[at] = missingLeft ? 0 : 1;
          levelLimit[at] = missingLeft ? j + 2 : j + 1;
        }
        leafValue.set(tree.value.subarray((1 << d) - 1, (1 << (d + 1)) - 1), leafStart[t] as number);
        t++;
      }
      bagStart[bi + 1] = t;
    });
    return new ObliviousForest(
      Int32Array.from(features),
      cuts,
      levelStart,
      levelSlot,
      levelShift,
      levelLimit,
      leafStart,
      leafValue,
      bagStart,
      Float64Array.from(boosters, (b) => b.base),
      options.simd ?? true,
    );
  }

  /**
   * Bins of rows start … start + n − 1, feature-major (slot s, row i at s·BLOCK_ROWS + i);
   * rows past n get bin 0. Walked row by row: the input is row-major, and reading one
   * feature down a block touched a new cache line per value (wide descriptor sets made
   * binning cost more than the trees).
   */
  private binBlock(data: Float64Array, cols: number, start: number, n: number, bins: Uint8Array): void {
    const { slotFeature } = this;
    const { padded, firstStep } = (this.search ??= paddedCuts(this.cuts));
    const slots = slotFeature.length;
    for (let i = 0; i < n; i++) {
      const row = (start + i) * cols;
      for (let s = 0, o = i; s < slots; s++, o += BLOCK_ROWS) {
        const v = data[row + (slotFeature[s] as number)] as number;
        const c = padded[s] as Float64Array;
        // Number of cuts below v, in a fixed number of halvings: no data-dependent loop exit.
        let below = 0;
        for (let step = firstStep[s] as number; step > 0; step >>= 1)
          below += (c[below + step - 1] as number) < v ? step : 0;
        bins[o] = v !== v ? 0 : below + 1;
      }
    }
    if (n < BLOCK_ROWS) for (let s = 0; s < slots; s++) bins.fill(0, s * BLOCK_ROWS + n, (s + 1) * BLOCK_ROWS);
  }

  /** Sum of the trees of each bag for every row: out[bag][row] (raw scores, before any link function). */
  rawScores(x: FeatureMatrix): Float64Array[] {
    const { rows, cols, data } = x;
    const { slotFeature, levelStart, levelSlot, levelShift, levelLimit, leafStart, leafValue, bagStart, bases } = this;
    const slots = slotFeature.length;
    const needed = (slotFeature[slots - 1] ?? -1) + 1;
    if (cols < needed)
      throw new ModelError(`the model splits on feature ${needed - 1} but the input has ${cols} columns`);
    const out = Array.from(bases, (base) => new Float64Array(rows).fill(base));
    const simd = this.simdLayout();
    if (simd) {
      const bins = new Uint8Array(simd.buffer, simd.bins, Math.max(1, slots) * BLOCK_ROWS);
      const acc = new Float64Array(simd.buffer, simd.acc, BLOCK_ROWS);
      for (let start = 0; start < rows; start += BLOCK_ROWS) {
        const n = Math.min(rows, start + BLOCK_ROWS) - start;
        this.binBlock(data, cols, start, n, bins);
        const chunks = (n + 15) >> 4;
        for (let b = 0; b < bases.length; b++) {
          acc.fill(bases[b] as number);
          simd.run(
            simd.progStart[b] as number,
            (bagStart[b + 1] as number) - (bagStart[b] as number),
            simd.bins,
            chunks,
            simd.scratch,
            simd.leaves,
            simd.acc,
          );
          (out[b] as Float64Array).set(acc.subarray(0, n), start);
        }
      }
      return out;
    }
    // Feature-major bins of one block: slot s, row i at s·BLOCK_ROWS + i.
    const bins = new Uint8Array(Math.max(1, slots) * BLOCK_ROWS);
    const leaf = new Int32Array(BLOCK_ROWS);
    for (let start = 0; start < rows; start += BLOCK_ROWS) {
      const n = Math.min(rows, start + BLOCK_ROWS) - start;
      this.binBlock(data, cols, start, n, bins);
      for (let b = 0; b < bases.length; b++) {
        const acc = out[b] as Float64Array;
        for (let t = bagStart[b] as number, te = bagStart[b + 1] as number; t < te; t++) {
          const l0 = levelStart[t] as number;
          const l1 = levelStart[t + 1] as number;
          const ls = leafStart[t] as number;
          if (l1 === l0) {
            for (let i = 0; i < n; i++) acc[start + i] = (acc[start + i] as number) + (leafValue[ls] as number);
            continue;
          }
          // Bit 1 when the row goes right: ((bin − shift) & 255) ≥ limit; the first level
          // initialises the indices.
          {
            const o = (levelSlot[l0] as number) * BLOCK_ROWS;
            const shift = levelShift[l0] as number;
            const limitMinus1 = (levelLimit[l0] as number) - 1;
            for (let i = 0; i < n; i++) leaf[i] = (limitMinus1 - (((bins[o + i] as number) - shift) & 255)) >>> 31;
          }
          for (let l = l0 + 1; l < l1; l++) {
            const o = (levelSlot[l] as number) * BLOCK_ROWS;
            const shift = levelShift[l] as number;
            const limitMinus1 = (levelLimit[l] as number) - 1;
            for (let i = 0; i < n; i++)
              leaf[i] = ((leaf[i] as number) << 1) | ((limitMinus1 - (((bins[o + i] as number) - shift) & 255)) >>> 31);
          }
          for (let i = 0; i < n; i++)
            acc[start + i] = (acc[start + i] as number) + (leafValue[ls + (leaf[i] as number)] as number);
        }
      }
    }
    return out;
  }
}

/** Depth of an oblivious tree in breadth-first layout, or −1 when the tree is not one. */
function obliviousDepth(t: TreeArrays): number {
  const total = t.feature.length;
  let d = 0;
  while ((1 << (d + 1)) - 1 < total) d++;
  if ((1 << (d + 1)) - 1 !== total || d > 24) return -1;
  for (let l = 0; l < d; l++) {
    const first = (1 << l) - 1;
    for (let i = first; i < (1 << (l + 1)) - 1; i++) {
      if (
        t.feature[i] !== t.feature[first] ||
        (t.feature[i] as number) < 0 ||
        t.threshold[i] !== t.threshold[first] ||
        t.missingLeft[i] !== t.missingLeft[first] ||
        t.left[i] !== 2 * i + 1 ||
        t.right[i] !== 2 * i + 2
      )
        return -1;
    }
  }
  for (let i = (1 << d) - 1; i < total; i++) if ((t.feature[i] as number) >= 0) return -1;
  return d;
}

/** First index j with cuts[j] ≥ v (cuts.length when none). */
/**
 * Each slot's cuts padded with +∞ to 2^k − 1 values, and 2^(k−1): counting the cuts below
 * v then takes exactly k halvings (+∞ is below no value, so the count is lowerBound's).
 */
function paddedCuts(cuts: readonly Float64Array[]): { padded: Float64Array[]; firstStep: Int32Array } {
  const firstStep = new Int32Array(cuts.length);
  const padded = cuts.map((c, s) => {
    let size = 1;
    while (size - 1 < c.length) size <<= 1;
    firstStep[s] = size >> 1;
    const p = new Float64Array(size - 1).fill(Infinity);
    p.set(c);
    return p;
  });
  return { padded, firstStep };
}

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
