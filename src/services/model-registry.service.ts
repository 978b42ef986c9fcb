import type { DataSource, EntityManager } from "typeorm";
import type { PropertyKey } from "../domain/property-key";
import type { DescriptorSetInfo } from "../engine/descriptors/descriptor-set";
import type { Model } from "../engine/ml/model";
import type { ModelBundle } from "../engine/ml/model-bundle";
import { InvalidInputError, NotFoundError } from "../errors";
import { restoreModel } from "./model-training.service";

/**
 * The model registry: trained models in the `models` table with their bundle, metrics
 * and training provenance. The default model of a property is the one flagged default,
 * else the newest for that property. Models never change once stored, so a restored
 * model is kept in memory by id (a few at a time) and serves every later request.
 */
export interface ModelRecord {
  readonly id: number;
  readonly name: string;
  readonly key: PropertyKey;
  readonly kind: string;
  readonly task: string;
  readonly descriptorSet: string;
  readonly descriptorVersion: string;
  readonly metrics: Record<string, unknown>;
  readonly training: Record<string, unknown>;
  readonly isDefault: boolean;
  readonly jobId: string | null;
  readonly createdAt: Date;
}

export interface NewModel {
  readonly name: string;
  readonly key: PropertyKey;
  readonly kind: string;
  readonly task: string;
  readonly bundle: ModelBundle;
  readonly metrics: Record<string, unknown>;
  readonly training: Record<string, unknown>;
  readonly makeDefault: boolean;
  readonly jobId: string | null;
}

const MODEL_COLUMNS = `id, name, key, kind, task, descriptor_set AS "descriptorSet", descriptor_version AS "descriptorVersion",
  metrics, training, is_default AS "isDefault", job_id AS "jobId", created_at AS "createdAt"`;

const LOADED_MAX = 8;
const loaded = new Map<number, Promise<{ bundle: ModelBundle; model: Model }>>();
let loads = 0;

/** How many bundles this process has restored from the store (a count of model-cache misses). */
export function modelLoadCount(): number {
  return loads;
}

export class ModelRegistry {
  constructor(private readonly db: DataSource | EntityManager) {}

  list(filter: { key?: PropertyKey | null; first: number }): Promise<ModelRecord[]> {
    return filter.key
      ? this.db.query(`SELECT ${MODEL_COLUMNS} FROM models WHERE key = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, [filter.key, filter.first])
      : this.db.query(`SELECT ${MODEL_COLUMNS} FROM models ORDER BY created_at DESC, id DESC LIMIT $1`, [filter.first]);
  }

  async byId(id: number): Promise<ModelRecord | null> {
    const [row] = await this.db.query(`SELECT ${MODEL_COLUMNS} FROM models WHERE id = $1`, [id]);
    return (row as ModelRecord | undefined) ?? null;
  }

  async byName(name: string): Promise<ModelRecord | null> {
    const [row] = await this.db.query(`SELECT ${MODEL_COLUMNS} FROM models WHERE name = $1`, [name]);
    return (row as ModelRecord | undefined) ?? null;
  }

  /** The model a prediction of `key` uses: the one asked for (it must predict `key`), or the default. */
  async resolve(key: PropertyKey, modelId?: number | null): Promise<ModelRecord> {
    if (modelId != null) {
      const model = await this.byId(modelId);
      if (!model) throw new NotFoundError(`no model with id ${modelId}`);
      if (model.key !== key) throw new InvalidInputError(`model ${model.id} ("${model.name}") predicts ${model.key}, not ${key}`);
      return model;
    }
    const [row] = await this.db.query(
      `SELECT ${MODEL_COLUMNS} FROM models WHERE key = $1 ORDER BY is_default DESC, created_at DESC, id DESC LIMIT 1`,
      [key],
    );
    if (!row) throw new NotFoundError(`no model predicts ${key} yet: train one with the trainModel mutation`);
    return row as ModelRecord;
  }

  /** The restored model, from memory when this process restored it before. */
  restore(record: ModelRecord, info: DescriptorSetInfo): Promise<{ bundle: ModelBundle; model: Model }> {
    let entry = loaded.get(record.id);
    if (entry) {
      loaded.delete(record.id); // re-inserted below: Map order is the recency order
    } else {
      loads += 1;
      entry = (async () => {
        const [row] = await this.db.query(`SELECT bundle FROM models WHERE id = $1`, [record.id]);
        if (!row) throw new NotFoundError(`no model with id ${record.id}`);
        return restoreModel(JSON.parse(row.bundle as string), info);
      })();
      entry.catch(() => loaded.delete(record.id));
    }
    loaded.set(record.id, entry);
    while (loaded.size > LOADED_MAX) loaded.delete(loaded.keys().next().value as number);
    return entry;
  }

  /** Stores a trained model (inside the caller's transaction); a new default replaces the old one. */
  async insert(model: NewModel): Promise<ModelRecord> {
    if (model.makeDefault) await this.db.query(`UPDATE models SET is_default = false WHERE key = $1 AND is_default`, [model.key]);
    const [row] = await this.db.query(
      `INSERT INTO models (name, key, kind, task, descriptor_set, descriptor_version, metrics, training, bundle, is_default, job_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11)
       RETURNING ${MODEL_COLUMNS}`,
      [
        model.name,
        model.key,
        model.kind,
        model.task,
        model.bundle.descriptor.name,
        model.bundle.descriptor.version,
        JSON.stringify(model.metrics),
        JSON.stringify(model.training),
        JSON.stringify(model.bundle),
        model.makeDefault,
        model.jobId,
      ],
    );
    return row as ModelRecord;
  }
}
