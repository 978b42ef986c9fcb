/**
 * The inner loop of oblivious-forest inference as a WebAssembly SIMD function, 16 rows
 * per instruction. Hand-assembled (the module is about 300 bytes, not worth a toolchain).
 *
 * `run(prog, trees, bins, chunks, scratch, leaves, acc)` adds `trees` trees to the f64
 * sums at `acc` for chunks × 16 rows. `bins` holds the rows' byte bins feature-major
 * (slot s, row i at s·256 + i); `prog` holds, per tree, its depth (u32) and the byte
 * offset of its leaf values from `leaves` (u32), then per level the byte offset of its
 * feature's bins from `bins`, the shift and the limit (u32 each). A row goes right at a
 * level when ((bin − shift) mod 256) ≥ limit (unsigned), the rule of gbdt-forest.ts;
 * the leaf index is built in a byte per row as index·2 + right, so depth ≤ 8. Leaf values
 * are added one tree at a time in f64, so sums equal the scalar ones bit for bit.
 */

const I32 = 0x7f;
const V128 = 0x7b;

// Parameters, then locals, by index.
const PROG = 0, TREES = 1, BINS = 2, CHUNKS = 3, SCRATCH = 4, LEAVES = 5, ACC = 6;
const P = 7, DEPTH = 8, LEAF_BASE = 9, LEVEL = 10, SLOT_AT = 11, CB = 12, END = 13, ROW = 14;
const SHIFT = 15, LIMIT = 16, V = 17;

const get = (i: number): number[] => [0x20, i];
const set = (i: number): number[] => [0x21, i];
const i32c = (v: number): number[] => [0x41, ...sleb(v)];
const load32 = (offset: number): number[] => [0x28, 2, offset];
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];
const add = 0x6a, sub = 0x6b, shl = 0x74, geU = 0x4f, eqz = 0x45;
const block = [0x02, 0x40], loop = [0x03, 0x40], end = 0x0b;
const brIf = (d: number): number[] => [0x0d, d];
const br = (d: number): number[] => [0x0c, d];

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** `for (local = 0; local < END; local += step) body` */
function countedLoop(local: number, step: number, body: number[]): number[] {
  return [
    ...i32c(0), ...set(local),
    ...block, ...loop,
    ...get(local), ...get(END), geU, ...brIf(1),
    ...body,
    ...get(local), ...i32c(step), add, ...set(local),
    ...br(0), end, end,
  ];
}

function functionBody(): number[] {
  const scratchAt = [...get(SCRATCH), ...get(CB), add];
  const zeroScratch = countedLoop(CB, 16, [...scratchAt, ...simd(0x0c, ...new Array<number>(16).fill(0)), ...simd(0x0b, 0, 0)]);
  const levelChunk = [
    ...scratchAt, ...simd(0x00, 0, 0), ...set(V),
    ...scratchAt,
    ...get(V), ...get(V), ...simd(0x6e), // index · 2
    ...get(SLOT_AT), ...get(CB), add, ...simd(0x00, 0, 0),
    ...get(SHIFT), ...simd(0x71), ...get(LIMIT), ...simd(0x2c), // 0xff where the row goes right
    ...simd(0x71), // index · 2 − (−1)
    ...simd(0x0b, 0, 0),
  ];
  const levels = [
    ...i32c(0), ...set(LEVEL),
    ...block, ...loop,
    ...get(LEVEL), ...get(DEPTH), geU, ...brIf(1),
    ...get(BINS), ...get(P), ...load32(0), add, ...set(SLOT_AT),
    ...get(P), ...load32(4), ...simd(0x0f), ...set(SHIFT),
    ...get(P), ...load32(8), ...simd(0x0f), ...set(LIMIT),
    ...get(P), ...i32c(12), add, ...set(P),
    ...countedLoop(CB, 16, levelChunk),
    ...get(LEVEL), ...i32c(1), add, ...set(LEVEL),
    ...br(0), end, end,
  ];
  const accAt = [...get(ACC), ...get(ROW), ...i32c(3), shl, add];
  const gather = countedLoop(ROW, 1, [
    ...accAt,
    ...accAt, 0x2b, 3, 0,
    ...get(LEAF_BASE), ...get(SCRATCH), ...get(ROW), add, 0x2d, 0, 0, ...i32c(3), shl, add, 0x2b, 3, 0,
    0xa0, // f64.add
    0x39, 3, 0, // f64.store
  ]);
  const code = [
    ...get(PROG), ...set(P),
    ...get(CHUNKS), ...i32c(4), shl, ...set(END),
    ...block, ...loop,
    ...get(TREES), eqz, ...brIf(1),
    ...get(P), ...load32(0), ...set(DEPTH),
    ...get(LEAVES), ...get(P), ...load32(4), add, ...set(LEAF_BASE),
    ...get(P), ...i32c(8), add, ...set(P),
    ...zeroScratch,
    ...levels,
    ...gather,
    ...get(TREES), ...i32c(1), sub, ...set(TREES),
    ...br(0), end, end,
    end,
  ];
  const locals = [2, 8, I32, 3, V128];
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

const name = (s: string): number[] => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

function moduleBytes(): Uint8Array {
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 7, I32, I32, I32, I32, I32, I32, I32, 0]),
    ...section(2, [1, ...name("env"), ...name("mem"), 0x02, 0x00, 1]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name("run"), 0x00, 0]),
    ...section(10, [1, ...functionBody()]),
  ]);
}

export type SimdRun = (prog: number, trees: number, bins: number, chunks: number, scratch: number, leaves: number, acc: number) => void;

/** The part of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
}

const WASM_PAGE_BYTES = 65536;
let compiled: object | null | undefined;

/**
 * The kernel with a fresh memory of at least `bytes` bytes, or null where WebAssembly
 * SIMD is unavailable (callers then use scalar loops).
 */
export function instantiateSimdKernel(bytes: number): { run: SimdRun; buffer: ArrayBuffer } | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm) return null;
  if (compiled === undefined) {
    try {
      const code = moduleBytes();
      compiled = wasm.validate(code) ? new wasm.Module(code) : null;
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return null;
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / WASM_PAGE_BYTES)) });
  const instance = new wasm.Instance(compiled, { env: { mem: memory } });
  return { run: instance.exports["run"] as SimdRun, buffer: memory.buffer };
}
