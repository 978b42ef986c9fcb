import { type DescriptorSetInfo, featureGroups } from "../descriptors/descriptor-set";
import { type FeatureMatrix, selectColumns } from "./feature-matrix";
import { regressionMetrics } from "./metrics";
import type { LabelledData, Model, Task } from "./model";

/**
 * Ablation runner: retrain the same model with one descriptor group dropped, or with
 * one fusion module switched off (through its parameters), and compare errors on the same
 * held-out rows against the full model. The first row is always the full model.
 */
export interface AblationVariant {
  readonly name: string;
  readonly dropGroups?: readonly string[];
  readonly params?: Readonly<Record<string, unknown>>;
}

export interface AblationRow {
  readonly variant: string;
  readonly features: number;
  readonly mae: number;
  readonly r2: number;
  /** MAE change against the full model (positive: the dropped part helped). */
  readonly deltaMae: number;
}

export type ModelFactory = (task: Task, params: Record<string, unknown>, info: DescriptorSetInfo) => Model;

function dropColumns(
  info: DescriptorSetInfo,
  groups: readonly string[],
): { info: DescriptorSetInfo; columns: number[] } {
  const columns = info.features.flatMap((f, i) => (groups.includes(f.group) ? [] : [i]));
  return {
    info: {
      ...info,
      version: `${info.version}-without-${groups.join("+")}`,
      features: columns.map((c) => info.features[c] as (typeof info.features)[number]),
    },
    columns,
  };
}

/** One variant per descriptor group: the group dropped. */
export function groupAblations(info: DescriptorSetInfo): AblationVariant[] {
  return featureGroups(info).map((g) => ({ name: `without ${g.name}`, dropGroups: [g.name] }));
}

export async function runAblation(options: {
  readonly create: ModelFactory;
  readonly task: Task;
  readonly info: DescriptorSetInfo;
  readonly params: Readonly<Record<string, unknown>>;
  readonly train: LabelledData;
  readonly test: LabelledData;
  readonly variants: readonly AblationVariant[];
}): Promise<AblationRow[]> {
  const rows: AblationRow[] = [];
  let fullMae = NaN;
  for (const variant of [{ name: "full model" } as AblationVariant, ...options.variants]) {
    const { info, columns } = dropColumns(options.info, variant.dropGroups ?? []);
    const cut = (x: FeatureMatrix): FeatureMatrix => (columns.length === x.cols ? x : selectColumns(x, columns));
    const model = options.create(options.task, { ...options.params, ...variant.params }, info);
    await model.fit({ x: cut(options.train.x), y: options.train.y });
    const pred = model.predict(cut(options.test.x));
    const m = regressionMetrics(options.test.y, pred.mean);
    if (rows.length === 0) fullMae = m.mae;
    rows.push({ variant: variant.name, features: columns.length, mae: m.mae, r2: m.r2, deltaMae: m.mae - fullMae });
    (model as { dispose?: () => void }).dispose?.();
  }
  return rows;
}

export function formatAblationTable(rows: readonly AblationRow[]): string {
  const header = ["variant", "features", "MAE", "R²", "ΔMAE"];
  const body = rows.map((r) => [
    r.variant,
    String(r.features),
    r.mae.toPrecision(4),
    r.r2.toFixed(3),
    (r.deltaMae >= 0 ? "+" : "") + r.deltaMae.toPrecision(3),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] as number)).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
