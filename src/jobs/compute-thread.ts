import { parentPort, workerData } from "node:worker_threads";
import { COMPUTATIONS } from "./computations";

/**
 * Entry of a compute thread: runs one computation and reports progress, then the
 * output, as messages. Engine code is synchronous and CPU-bound; in a thread of its
 * own it leaves the worker's event loop free, and cancelling is `terminate()`.
 */
export type ComputeMessage =
  | { type: "progress"; fraction: number; message?: string }
  | { type: "done"; output: unknown }
  | { type: "error"; message: string; name: string };

interface ComputeRequest {
  kind: string;
  input: Record<string, unknown>;
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const request = workerData as ComputeRequest;
  const post = (m: ComputeMessage) => port.postMessage(m);
  try {
    const computation = COMPUTATIONS[request.kind];
    if (!computation) throw new Error(`no computation of kind "${request.kind}"`);
    const output = await computation.run(request.input, {
      onProgress: (fraction, message) => post({ type: "progress", fraction, ...(message ? { message } : {}) }),
    });
    post({ type: "done", output });
  } catch (error) {
    post({
      type: "error",
      name: error instanceof Error ? error.name : "Error",
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

void main();
