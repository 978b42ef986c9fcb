import { existsSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { ComputationOutput } from "./computations/computation";
import type { ComputeMessage } from "./compute-thread";

export class ComputeAbortedError extends Error {
  readonly code = "ABORTED";
}

export class ComputeFailedError extends Error {
  readonly code = "COMPUTE_FAILED";
}

/** The compiled thread entry; from TypeScript sources (tests) the build output of `npm run build`. */
function threadEntry(): string {
  if (__filename.endsWith(".js")) return path.join(__dirname, "compute-thread.js");
  let dir = __dirname;
  while (!existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  const built = path.join(dir, "dist", "src", "jobs", "compute-thread.js");
  if (!existsSync(built)) throw new Error(`compute thread not built: run \`npm run build\` (missing ${built})`);
  return built;
}

/**
 * Runs one computation in a fresh worker thread. Aborting the signal terminates
 * the thread at once, wherever it is: nothing it computed reaches the caller.
 */
export function runInThread(
  kind: string,
  input: Record<string, unknown>,
  options: { signal?: AbortSignal; onProgress?: (fraction: number, message?: string) => void },
): Promise<ComputationOutput> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new ComputeAbortedError(String(options.signal.reason ?? "aborted")));
    const thread = new Worker(threadEntry(), { workerData: { kind, input } });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener("abort", onAbort);
      fn();
    };
    const onAbort = () => {
      finish(() => reject(new ComputeAbortedError(String(options.signal?.reason ?? "aborted"))));
      void thread.terminate();
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    thread.on("message", (m: ComputeMessage) => {
      if (m.type === "progress") options.onProgress?.(m.fraction, m.message);
      else if (m.type === "done") finish(() => resolve(m.output as ComputationOutput));
      else finish(() => reject(new ComputeFailedError(m.message)));
    });
    thread.on("error", (error) => finish(() => reject(new ComputeFailedError(error.message, { cause: error }))));
    thread.on("exit", (code) =>
      finish(() => reject(new ComputeFailedError(`compute thread exited with code ${code}`))),
    );
  });
}
