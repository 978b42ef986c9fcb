import * as tf from "@tensorflow/tfjs";

/**
 * One tfjs backend for every neural model, chosen once: the native TensorFlow binding
 * (`@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`) when it is installed — it is
 * optional, since it downloads binaries at install time — else WebAssembly, else the
 * plain JavaScript cpu backend. The model code is the same on all of them; a saved model
 * reproduces its predictions exactly on the backend it was trained on.
 */
export type TfBackendName = "tensorflow" | "wasm" | "cpu";

let ready: Promise<TfBackendName> | null = null;

function tryRequire(name: string): boolean {
  try {
    // A plain require keeps the optional native packages out of the type graph.
    require(name);
    return true;
  } catch {
    return false;
  }
}

async function choose(preferred?: TfBackendName): Promise<TfBackendName> {
  const order: TfBackendName[] = preferred ? [preferred, "tensorflow", "wasm", "cpu"] : ["tensorflow", "wasm", "cpu"];
  for (const name of order) {
    try {
      if (name === "tensorflow") {
        if (!tryRequire("@tensorflow/tfjs-node-gpu") && !tryRequire("@tensorflow/tfjs-node")) continue;
        if (!tf.findBackend("tensorflow")) continue;
      }
      if (name === "wasm" && !tryRequire("@tensorflow/tfjs-backend-wasm")) continue;
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch {
      // An unusable backend (missing binary, no WebAssembly) falls through to the next.
    }
  }
  throw new Error("no tfjs backend could be initialised");
}

/** Initialise tfjs once; `MATGRAPH_TF_BACKEND`-style choices are the caller's to pass in. */
export function initTf(preferred?: TfBackendName): Promise<TfBackendName> {
  ready ??= choose(preferred);
  return ready;
}

export { tf };
