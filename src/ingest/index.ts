import { AflowAdapter } from "./adapters/aflow.adapter";
import { JarvisAdapter } from "./adapters/jarvis.adapter";
import { MaterialsProjectAdapter } from "./adapters/mp.adapter";
import { OptimadeAdapter } from "./adapters/optimade.adapter";
import { OqmdAdapter } from "./adapters/oqmd.adapter";
import type { AdapterOptions } from "./adapter-options";
import type { SourceAdapter } from "./source-adapter";

/** Adapter registry: the names `matgraph ingest <name>` and the GraphQL mutation accept. */
export const ADAPTERS = {
  mp: (options: AdapterOptions) => new MaterialsProjectAdapter(options),
  aflow: (options: AdapterOptions) => new AflowAdapter(options),
  oqmd: (options: AdapterOptions) => new OqmdAdapter(options),
  jarvis: (options: AdapterOptions) => new JarvisAdapter(options),
  optimade: (options: AdapterOptions) => new OptimadeAdapter(options),
} as const satisfies Record<string, (options: AdapterOptions) => SourceAdapter>;

export type AdapterName = keyof typeof ADAPTERS;
export const ADAPTER_NAMES = Object.keys(ADAPTERS) as AdapterName[];

export function isAdapterName(name: string): name is AdapterName {
  return name in ADAPTERS;
}

export function createAdapter(name: AdapterName, options: AdapterOptions = {}): SourceAdapter {
  return ADAPTERS[name](options);
}

/**
 * Local structure files (`matgraph ingest file`). Not in ADAPTERS: the GraphQL mutation
 * accepts those names too, and no request should make the server read its own files.
 */
export { StructureFilesAdapter } from "./adapters/structure-files.adapter";
export type { AdapterOptions } from "./adapter-options";
export type { Cursor, SourceAdapter, SourcePage } from "./source-adapter";
export { runIngest, type IngestOptions, type IngestProgress, type IngestSummary } from "./ingest.pipeline";
