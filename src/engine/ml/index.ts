import type { DescriptorSetInfo } from "../descriptors/descriptor-set";
import { GbdtModel, type GbdtState } from "./gbdt.model";
import { FusionModel, type FusionState } from "./fusion.model";
import { MlpModel, type MlpState } from "./mlp.model";
import { type Model, ModelError, type ModelState, type Task } from "./model";

export * from "./model";
export * from "./feature-matrix";
export * from "./metrics";
export * from "./gbdt.model";
export * from "./gbdt-forest";
export * from "./gbdt-oblivious-forest";
export * from "./target-transform";
export * from "./formula-dataset";
export * from "./mlp.model";
export * from "./fusion.model";
export * from "./neural-trainer";
export * from "./tf-backend";
export * from "./splits";
export * from "./uncertainty";
export * from "./material-class";
export * from "./ablation";
export * from "./model-bundle";
export * from "./random";

/** Models by name: factory from hyper-parameters, and restore from a saved state. */
export const MODELS = {
  gbdt: {
    create: (task: Task, params: Record<string, unknown>, _info: DescriptorSetInfo) => new GbdtModel(task, params),
    load: async (state: ModelState, _info: DescriptorSetInfo) => GbdtModel.fromJSON(state as GbdtState),
  },
  mlp: {
    create: (task: Task, params: Record<string, unknown>, info: DescriptorSetInfo) => new MlpModel(task, info, params),
    load: (state: ModelState, info: DescriptorSetInfo) => MlpModel.fromJSON(state as MlpState, info),
  },
  fusion: {
    create: (task: Task, params: Record<string, unknown>, info: DescriptorSetInfo) =>
      new FusionModel(task, info, params),
    load: (state: ModelState, info: DescriptorSetInfo) => FusionModel.fromJSON(state as FusionState, info),
  },
} as const satisfies Record<
  string,
  {
    create: (task: Task, params: Record<string, unknown>, info: DescriptorSetInfo) => Model;
    load: (state: ModelState, info: DescriptorSetInfo) => Promise<Model>;
  }
>;

export type ModelKind = keyof typeof MODELS;

export function isModelKind(kind: string): kind is ModelKind {
  return Object.hasOwn(MODELS, kind);
}

export function createModel(kind: string, task: Task, params: Record<string, unknown>, info: DescriptorSetInfo): Model {
  if (!isModelKind(kind)) throw new ModelError(`unknown model "${kind}" (known: ${Object.keys(MODELS).join(", ")})`);
  return MODELS[kind].create(task, params, info);
}

export async function loadModel(state: ModelState, info: DescriptorSetInfo): Promise<Model> {
  if (!isModelKind(state.kind)) throw new ModelError(`unknown model "${state.kind}"`);
  return MODELS[state.kind].load(state, info);
}
