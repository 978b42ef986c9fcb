/**
 * In-place complex discrete Fourier transforms on split real/imaginary Float64Arrays:
 * forward X_k = Σ_x x_n e^(−2πi kn/N), inverse with e^(+2πi kn/N) and the 1/N factor.
 * Power-of-two lengths use iterative radix-2 Cooley–Tukey; other lengths a direct O(N²)
 * sum with tabulated twiddles (RVE edges are a few tens of voxels, so that stays cheap).
 * The 3-D transform runs the 1-D one along each axis of an i-fastest n1 × n2 × n3 array.
 */
export class Fft1d {
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly bitReverse: Uint32Array | null;
  private readonly scratchRe: Float64Array;
  private readonly scratchIm: Float64Array;

  constructor(readonly length: number) {
    const n = length;
    const isPowerOfTwo = n > 0 && (n & (n - 1)) === 0;
    this.cos = new Float64Array(n);
    this.sin = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / n);
      this.sin[k] = Math.sin((2 * Math.PI * k) / n);
    }
    this.scratchRe = new Float64Array(n);
    this.scratchIm = new Float64Array(n);
    if (isPowerOfTwo) {
      const bits = Math.round(Math.log2(n));
      this.bitReverse = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        let r = 0;
        for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
        this.bitReverse[i] = r;
      }
    } else this.bitReverse = null;
  }

  /** Transforms re/im (length N) in place; `inverse` includes the 1/N factor. */
  transform(re: Float64Array, im: Float64Array, inverse: boolean): void {
    const n = this.length;
    const sign = inverse ? 1 : -1;
    if (this.bitReverse) {
      const br = this.bitReverse;
      for (let i = 0; i < n; i++) {
        const j = br[i]!;
        if (j > i) {
          const tr = re[i]!;
          re[i] = re[j]!;
          re[j] = tr;
          const ti = im[i]!;
          im[i] = im[j]!;
          im[j] = ti;
        }
      }
      for (let size = 2; size <= n; size <<= 1) {
        const half = size >> 1;
        const step = n / size;
        for (let start = 0; start < n; start += size) {
          for (let k = 0; k < half; k++) {
            const wr = this.cos[k * step]!;
            const wi = sign * this.sin[k * step]!;
            const a = start + k;
            const b = a + half;
            const xr = re[b]! * wr - im[b]! * wi;
            const xi = re[b]! * wi + im[b]! * wr;
            re[b] = re[a]! - xr;
            im[b] = im[a]! - xi;
            re[a] = re[a]! + xr;
            im[a] = im[a]! + xi;
          }
        }
      }
    } else {
      const sr = this.scratchRe;
      const si = this.scratchIm;
      for (let k = 0; k < n; k++) {
        let accR = 0;
        let accI = 0;
        for (let j = 0; j < n; j++) {
          const t = (k * j) % n;
          const wr = this.cos[t]!;
          const wi = sign * this.sin[t]!;
          accR += re[j]! * wr - im[j]! * wi;
          accI += re[j]! * wi + im[j]! * wr;
        }
        sr[k] = accR;
        si[k] = accI;
      }
      re.set(sr);
      im.set(si);
    }
    if (inverse) {
      for (let i = 0; i < n; i++) {
        re[i] = re[i]! / n;
        im[i] = im[i]! / n;
      }
    }
  }
}

export class Fft3d {
  private readonly axes: [Fft1d, Fft1d, Fft1d];
  private readonly lineRe: Float64Array;
  private readonly lineIm: Float64Array;

  constructor(readonly dims: readonly [number, number, number]) {
    const [n1, n2, n3] = dims;
    const f1 = new Fft1d(n1);
    const f2 = n2 === n1 ? f1 : new Fft1d(n2);
    const f3 = n3 === n1 ? f1 : n3 === n2 ? f2 : new Fft1d(n3);
    this.axes = [f1, f2, f3];
    const m = Math.max(n1, n2, n3);
    this.lineRe = new Float64Array(m);
    this.lineIm = new Float64Array(m);
  }

  transform(re: Float64Array, im: Float64Array, inverse: boolean): void {
    const [n1, n2, n3] = this.dims;
    const strides = [1, n1, n1 * n2];
    const sizes = [n1, n2, n3];
    for (let axis = 0; axis < 3; axis++) {
      const n = sizes[axis]!;
      const stride = strides[axis]!;
      const fft = this.axes[axis]!;
      const lr = n === this.lineRe.length ? this.lineRe : this.lineRe.subarray(0, n);
      const li = n === this.lineIm.length ? this.lineIm : this.lineIm.subarray(0, n);
      // Every line along `axis` starts at an index whose `axis` coordinate is zero.
      const total = n1 * n2 * n3;
      for (let base = 0; base < total; base++) {
        if (Math.floor(base / stride) % n !== 0) continue;
        for (let t = 0; t < n; t++) {
          lr[t] = re[base + t * stride]!;
          li[t] = im[base + t * stride]!;
        }
        fft.transform(lr, li, inverse);
        for (let t = 0; t < n; t++) {
          re[base + t * stride] = lr[t]!;
          im[base + t * stride] = li[t]!;
        }
      }
    }
  }
}
