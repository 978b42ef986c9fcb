/**
 * Starting a force worker from wherever this module runs. From the compiled build the
 * worker is the sibling `force.worker.js`. From TypeScript sources (vitest transpiles
 * them in-process; a worker gets plain Node) this thread transpiles the worker and its
 * relative imports with @swc/core — the compiler vitest already uses — and the worker
 * installs a `.ts` loader serving that code; so tests never depend on a stale `dist/`.
 * The native compiler stays on this thread: native addons in short-lived worker
 * threads can crash the process when the threads are terminated. Reading the sources
 * is the only file access in the engine, and it happens only when running from
 * TypeScript sources (tests), never from the build.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { COMMAND, CTRL, type ForceWorkerInit } from "./force-protocol";

/** Boots either form, and turns a failure to load into a message the waiting main thread sees. */
const WORKER_BOOT = `
const { workerData } = require("node:worker_threads");
const sources = workerData.sources;
if (sources) {
  require.extensions[".ts"] = (module, filename) => {
    const code = sources[filename];
    if (code === undefined) throw new Error("force worker: no transpiled source for " + filename);
    module._compile(code, filename);
  };
}
const control = new Int32Array(workerData.control);
// process.exit() or an uncaught error ends the thread without finishing its command:
// raise the failed flag so that the waiting main thread stops waiting. (Not after
// the quit command: that exit is the normal one.)
process.on("exit", (code) => {
  if (Atomics.load(control, ${CTRL.command}) === ${COMMAND.quit}) return;
  workerData.port.postMessage("force worker exited with code " + code);
  Atomics.store(control, ${CTRL.failed}, 1);
  Atomics.notify(control, ${CTRL.done});
});
try {
  require(workerData.entry);
} catch (e) {
  // Tell the waiting main thread instead of leaving it asleep.
  workerData.port.postMessage("force worker failed to load: " + (e instanceof Error ? e.message : String(e)));
  Atomics.store(control, ${CTRL.failed}, 1);
  Atomics.notify(control, ${CTRL.done});
}
`;

interface SwcCore {
  transformFileSync(file: string, options: object): { code: string };
}

let transpiled: Record<string, string> | null = null;

/** The worker's module graph (relative imports only), as CommonJS. */
function transpileWorkerSources(entry: string): Record<string, string> {
  if (transpiled) return transpiled;
  const swc = createRequire(__filename)("@swc/core") as SwcCore;
  const out: Record<string, string> = {};
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (out[file] !== undefined) continue;
    const { code } = swc.transformFileSync(file, {
      jsc: { parser: { syntax: "typescript" }, target: "es2022" },
      module: { type: "commonjs" },
    });
    out[file] = code;
    for (const m of code.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
      pending.push(path.resolve(path.dirname(file), `${m[1]!}.ts`));
    }
  }
  transpiled = out;
  return out;
}

export function startForceWorker(init: ForceWorkerInit): Worker {
  const compiled = __filename.endsWith(".js");
  const entry = path.join(__dirname, compiled ? "force.worker.js" : "force.worker.ts");
  const sources = compiled ? null : transpileWorkerSources(entry);
  return new Worker(WORKER_BOOT, {
    eval: true,
    // The worker's JS heap holds only its code and a few small objects (the data are
    // SharedArrayBuffers). A stated old-space limit instead of the default one sized
    // like the main thread's makes V8 set up a smaller heap: about 0.7 MB less RSS
    // per worker, measured. 128 MB is still far above anything it allocates.
    // The young generation by default grows while the worker boots (most of what
    // Node's bootstrap allocates survives) and its semi-spaces stay resident: capped
    // at 1 MB, about 3 MB less peak RSS per worker, measured (EAM Cu, 32k atoms). The
    // worker allocates next to nothing per step, so the extra scavenges cost nothing.
    resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 1 },
    workerData: { ...init, entry, sources },
    transferList: [init.port],
  });
}
