/**
 * Half Verlet neighbour list over periodic images, built with cell bins. Lengths in Å.
 *
 * Periodicity is handled the LAMMPS way, with ghost atoms: every image of an atom
 * that lies within (cutoff + skin) of the cell, in any triclinic cell and however
 * small (several images per atom when the cell is thinner than the cutoff). The list
 * stores indices into the extended array (locals 0..n-1, then ghosts), so the force
 * loops never do minimum-image arithmetic. Each pair appears once (Newton's third
 * law): local k>i, or a ghost whose owner j>i, or an image of i itself in the
 * "positive" half of image space.
 *
 * Rebuild when any two atoms could have approached by more than the skin since the
 * last build: 2 × (largest atom displacement + largest image displacement caused by
 * a change of cell) > skin.
 */
import type { AtomSystem } from "../core/system";
import { type BinGridShape, type BinnedAtoms, searchPairs } from "./pair-search.kernel";

export interface PairSearchExecutor {
  /**
   * Fill nl.list and nl.start[0..n-1] for every local atom; return the end offset,
   * or a count larger than nl.list.length when the list must grow.
   */
  searchPairs(nl: NeighborList, bins: BinnedAtoms, shape: BinGridShape): number;
}

export class NeighborList {
  readonly cutoff: number;
  readonly skin: number;
  /** Local atoms. */
  nLocal = 0;
  /** Locals + ghosts. */
  nTotal = 0;
  /** Extended positions, 3 per atom. */
  extPos: Float64Array = new Float64Array(0);
  /** Owner (local index) of each extended atom. */
  owner: Int32Array = new Int32Array(0);
  /** Image triplet of each extended atom (0,0,0 for locals). */
  image: Int16Array = new Int16Array(0);
  /** CSR: neighbours of local i are list[start[i] .. start[i+1]). */
  start: Int32Array = new Int32Array(1);
  list: Int32Array = new Int32Array(0);
  builds = 0;

  private refPos: Float64Array = new Float64Array(0);
  /** Build scratch kept between builds: rebuilds every few steps would otherwise leave garbage. */
  private frac: Float64Array = new Float64Array(0);
  private binFill: Int32Array = new Int32Array(0);
  private refCell = new Float64Array(9);
  private maxImage = 0;
  private binStart: Int32Array = new Int32Array(0);
  private binOf: Int32Array = new Int32Array(0);
  private sorted: Int32Array = new Int32Array(0);
  private sortedKey: Int32Array = new Int32Array(0);
  private sortedPos: Float64Array = new Float64Array(0);
  private stencil: Int32Array = new Int32Array(0);
  /** Runs the pair search of each build on several threads, when set (shared lists only). */
  pairSearch: PairSearchExecutor | null = null;

  /** Keep extPos, start and list in SharedArrayBuffers, so force threads read them in place. */
  readonly shared: boolean;

  constructor(cutoff: number, skin: number, options: { shared?: boolean } = {}) {
    this.cutoff = cutoff;
    this.skin = skin;
    this.shared = options.shared === true;
  }

  private float64(length: number): Float64Array {
    return this.shared
      ? new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT))
      : new Float64Array(length);
  }

  private int32(length: number): Int32Array {
    return this.shared
      ? new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT))
      : new Int32Array(length);
  }

  /** Ensure the list is valid for the current configuration; rebuild if needed, else refresh ghosts. */
  update(system: AtomSystem): boolean {
    if (this.nLocal !== system.n || this.needsRebuild(system)) {
      this.build(system);
      return true;
    }
    this.updateGhosts(system);
    return false;
  }

  needsRebuild(system: AtomSystem): boolean {
    const p = system.positions;
    const r = this.refPos;
    let max2 = 0;
    for (let i = 0, n3 = 3 * system.n; i < n3; i += 3) {
      const dx = p[i]! - r[i]!;
      const dy = p[i + 1]! - r[i + 1]!;
      const dz = p[i + 2]! - r[i + 2]!;
      const d2 = dx * dx + dy * dy + dz * dz;
      if (d2 > max2) max2 = d2;
    }
    let cellTerm = 0;
    const h = system.box.h;
    const h0 = this.refCell;
    for (let k = 0; k < 3; k++) {
      cellTerm += Math.hypot(h[3 * k]! - h0[3 * k]!, h[3 * k + 1]! - h0[3 * k + 1]!, h[3 * k + 2]! - h0[3 * k + 2]!);
    }
    const maxDisp = Math.sqrt(max2) + this.maxImage * cellTerm;
    return 2 * maxDisp > this.skin;
  }

  /** Recompute ghost positions from their owners (every step between builds). */
  updateGhosts(system: AtomSystem): void {
    const p = system.positions;
    const e = this.extPos;
    const h = system.box.h;
    e.set(p.subarray(0, 3 * this.nLocal));
    const own = this.owner;
    const img = this.image;
    for (let g = this.nLocal; g < this.nTotal; g++) {
      const o = 3 * own[g]!;
      const a = img[3 * g]!;
      const b = img[3 * g + 1]!;
      const c = img[3 * g + 2]!;
      e[3 * g] = p[o]! + a * h[0]! + b * h[3]! + c * h[6]!;
      e[3 * g + 1] = p[o + 1]! + a * h[1]! + b * h[4]! + c * h[7]!;
      e[3 * g + 2] = p[o + 2]! + a * h[2]! + b * h[5]! + c * h[8]!;
    }
  }

  /** Add extended-array per-atom quantities of ghosts onto their owners (stride values per atom). */
  foldToOwners(ext: Float64Array, stride: number): void {
    const own = this.owner;
    for (let g = this.nLocal; g < this.nTotal; g++) {
      const o = own[g]! * stride;
      const s = g * stride;
      for (let d = 0; d < stride; d++) ext[o + d] = ext[o + d]! + ext[s + d]!;
    }
  }

  /** Copy owners' per-atom quantities onto their ghosts. */
  copyToGhosts(ext: Float64Array, stride: number): void {
    const own = this.owner;
    for (let g = this.nLocal; g < this.nTotal; g++) {
      const o = own[g]! * stride;
      const s = g * stride;
      for (let d = 0; d < stride; d++) ext[s + d] = ext[o + d]!;
    }
  }

  build(system: AtomSystem): void {
    system.wrap();
    const n = system.n;
    const box = system.box;
    const rc = this.cutoff + this.skin;
    const rc2 = rc * rc;
    const spacing = box.planeSpacings();
    const delta = spacing.map((d) => rc / d) as [number, number, number];
    const reach = delta.map((d) => Math.ceil(d)) as [number, number, number];
    this.maxImage = Math.max(...reach);

    // Fractional coordinates of locals.
    if (this.frac.length !== 3 * n) this.frac = new Float64Array(3 * n);
    const frac = this.frac;
    const s = [0, 0, 0];
    const p = system.positions;
    for (let i = 0; i < n; i++) {
      box.toFractional(p[3 * i]!, p[3 * i + 1]!, p[3 * i + 2]!, s);
      frac[3 * i] = s[0]!;
      frac[3 * i + 1] = s[1]!;
      frac[3 * i + 2] = s[2]!;
    }

    // Count then fill ghosts.
    let nGhost = 0;
    for (let pass = 0; pass < 2; pass++) {
      if (pass === 1) this.allocateExtended(n, nGhost);
      let g = n;
      for (let i = 0; i < n; i++) {
        const f0 = frac[3 * i]!;
        const f1 = frac[3 * i + 1]!;
        const f2 = frac[3 * i + 2]!;
        for (let a = -reach[0]; a <= reach[0]; a++) {
          const t0 = f0 + a;
          if (t0 < -delta[0] || t0 >= 1 + delta[0]) continue;
          for (let b = -reach[1]; b <= reach[1]; b++) {
            const t1 = f1 + b;
            if (t1 < -delta[1] || t1 >= 1 + delta[1]) continue;
            for (let c = -reach[2]; c <= reach[2]; c++) {
              const t2 = f2 + c;
              if (t2 < -delta[2] || t2 >= 1 + delta[2]) continue;
              if (a === 0 && b === 0 && c === 0) continue;
              if (pass === 0) {
                nGhost++;
              } else {
                this.owner[g] = i;
                this.image[3 * g] = a;
                this.image[3 * g + 1] = b;
                this.image[3 * g + 2] = c;
                g++;
              }
            }
          }
        }
      }
    }
    for (let i = 0; i < n; i++) this.owner[i] = i;
    this.image.fill(0, 0, 3 * n);
    this.updateGhosts(system);

    // Bins in fractional space over the extended region, each at least rc/2 thick
    // in real space; a ±2 stencil then finds every pair (for orthorhombic cells the
    // corner bins that cannot hold a partner within rc are pruned).
    const nb = [0, 0, 0];
    const w = [0, 0, 0];
    const thick = [0, 0, 0];
    for (let d = 0; d < 3; d++) {
      const len = 1 + 2 * delta[d]!;
      nb[d] = Math.max(1, Math.floor((len * spacing[d]!) / (rc / 2)));
      w[d] = len / nb[d]!;
      thick[d] = w[d]! * spacing[d]!;
    }
    const nbx = nb[0]!;
    const nby = nb[1]!;
    const nbz = nb[2]!;
    const nBins = nbx * nby * nbz;
    const M = this.nTotal;
    if (this.binStart.length < nBins + 1) this.binStart = this.int32(nBins + 1);
    if (this.binOf.length < M) {
      this.binOf = this.int32(this.capacity);
      this.sorted = this.int32(this.capacity);
      this.sortedKey = this.int32(this.capacity);
      this.sortedPos = this.float64(3 * this.capacity);
    }
    const img = this.image;
    const own = this.owner;
    const binStart = this.binStart;
    binStart.fill(0, 0, nBins + 1);
    for (let k = 0; k < M; k++) {
      const o = own[k]!;
      const b0 = clampBin(Math.floor((frac[3 * o]! + img[3 * k]! + delta[0]) / w[0]!), nbx);
      const b1 = clampBin(Math.floor((frac[3 * o + 1]! + img[3 * k + 1]! + delta[1]) / w[1]!), nby);
      const b2 = clampBin(Math.floor((frac[3 * o + 2]! + img[3 * k + 2]! + delta[2]) / w[2]!), nbz);
      const bin = (b0 * nby + b1) * nbz + b2;
      this.binOf[k] = bin;
      binStart[bin + 1] = binStart[bin + 1]! + 1;
    }
    for (let b = 0; b < nBins; b++) binStart[b + 1] = binStart[b + 1]! + binStart[b]!;
    // Counting sort into contiguous per-bin arrays. The key encodes the half-list
    // rule in one integer comparison: pair (i, k) is kept iff key[k] > 2i, where
    // key = 2k for locals and 2·owner + [image is in the positive half] for ghosts.
    if (this.binFill.length < nBins) this.binFill = new Int32Array(this.binStart.length);
    const fill = this.binFill;
    fill.set(binStart.subarray(0, nBins));
    const e = this.extPos;
    const sorted = this.sorted;
    const sortedKey = this.sortedKey;
    const sp = this.sortedPos;
    for (let k = 0; k < M; k++) {
      const slot = fill[this.binOf[k]!]!++;
      sorted[slot] = k;
      let key: number;
      if (k < n) key = 2 * k;
      else {
        const a = img[3 * k]!;
        const b = img[3 * k + 1]!;
        const positive = a > 0 || (a === 0 && (b > 0 || (b === 0 && img[3 * k + 2]! > 0)));
        key = 2 * own[k]! + (positive ? 1 : 0);
      }
      sortedKey[slot] = key;
      sp[3 * slot] = e[3 * k]!;
      sp[3 * slot + 1] = e[3 * k + 1]!;
      sp[3 * slot + 2] = e[3 * k + 2]!;
    }

    // Stencil of bin offsets.
    const orth = box.isOrthorhombic();
    if (this.stencil.length === 0) this.stencil = this.int32(3 * 125);
    let stencilLength = 0;
    for (let a = -2; a <= 2; a++)
      for (let b = -2; b <= 2; b++)
        for (let c = -2; c <= 2; c++) {
          if (orth) {
            const gx = Math.max(0, Math.abs(a) - 1) * thick[0]!;
            const gy = Math.max(0, Math.abs(b) - 1) * thick[1]!;
            const gz = Math.max(0, Math.abs(c) - 1) * thick[2]!;
            if (gx * gx + gy * gy + gz * gz >= rc2) continue;
          }
          this.stencil[3 * stencilLength] = a;
          this.stencil[3 * stencilLength + 1] = b;
          this.stencil[3 * stencilLength + 2] = c;
          stencilLength++;
        }

    if (this.start.length !== n + 1) this.start = this.int32(n + 1);
    if (this.list.length === 0) {
      // Half of the atoms in a sphere of radius rc at the mean density, plus 20 %;
      // a denser configuration grows the list on the spot.
      const pairsPerAtom = ((2 / 3) * Math.PI * rc * rc * rc * n) / box.volume;
      this.list = this.int32(Math.ceil(n * pairsPerAtom * 1.2) + 1024);
    }
    const bins: BinnedAtoms = {
      x: e,
      binOf: this.binOf,
      binStart,
      sorted,
      sortedKey,
      sortedPos: sp,
      stencil: this.stencil,
    };
    const shape: BinGridShape = { nbx, nby, nbz, stencilLength, rangeSq: rc2 };
    for (;;) {
      const end = this.pairSearch
        ? this.pairSearch.searchPairs(this, bins, shape)
        : searchPairs(bins, shape, 0, n, this.list, 0, this.list.length, this.start);
      if (end <= this.list.length) {
        this.start[n] = end;
        break;
      }
      // Rare (growing density): size for what the search counted, and search again.
      this.list = this.int32(Math.ceil(end * 1.25));
    }
    if (this.refPos.length !== system.positions.length) this.refPos = new Float64Array(system.positions.length);
    this.refPos.set(system.positions);
    this.refCell.set(box.h);
    this.builds++;
  }

  private allocateExtended(n: number, nGhost: number): void {
    const M = n + nGhost;
    this.nLocal = n;
    this.nTotal = M;
    if (this.extPos.length < 3 * M) {
      // Headroom so that small changes in ghost count do not reallocate every build.
      const cap = Math.ceil(M * 1.2) + 16;
      this.extPos = this.float64(3 * cap);
      this.owner = new Int32Array(cap);
      this.image = new Int16Array(3 * cap);
    }
  }

  /** Bytes held by the list's typed arrays. */
  memoryBytes(): number {
    return [
      this.extPos,
      this.owner,
      this.image,
      this.start,
      this.list,
      this.refPos,
      this.frac,
      this.binFill,
      this.binStart,
      this.binOf,
      this.sorted,
      this.sortedKey,
      this.sortedPos,
    ].reduce((s, a) => s + a.byteLength, 0);
  }

  /** Capacity of the extended arrays (atoms), for sizing scratch buffers. */
  get capacity(): number {
    return this.owner.length;
  }
}

function clampBin(b: number, nb: number): number {
  return b < 0 ? 0 : b >= nb ? nb - 1 : b;
}
