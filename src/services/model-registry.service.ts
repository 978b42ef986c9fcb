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
 * else the newest for that property; the flagged one carries the time it became default,
 * and every change of a default is kept in `model_default_changes`. Models never change
 * once stored (only their default flag does), so a restored model is kept in memory by id
 * and descriptor version (a few at a time) and serves every later request.
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
  /** When it became its property's default; null when it is not the flagged default. */
  readonly defaultSince: Date | null;
  readonly jobId: string | null;
  readonly createdAt: Date;
}

export interface DefaultModelChange {
  readonly id: number;
  readonly key: PropertyKey;
  readonly modelId: number;
  readonly previousModelId: number | null;
  /** The client that changed it (its token's name), or the training job that registered the model. */
  readonly changedBy: string;
  readonly changedAt: Date;
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

const DEFAULT_CHANGE_COLUMNS = `id, key, model_id AS "modelId", previous_model_id AS "previousModelId", changed_by AS "changedBy", changed_at AS "changedAt"`;

const MODEL_COLUMNS = `id, name, key, kind, task, descriptor_set AS "descriptorSet", descriptor_version AS "descriptorVersion",
  metrics, training, is_default AS "isDefault", default_since AS "defaultSince", job_id AS "jobId", created_at AS "createdAt"`;

const LOADED_MAX = 8;
const loaded = new Map<string, Promise<{ bundle: ModelBundle; model: Model }>>();
let loads = 0;

/** How many bundles this process has restored from the store (a count of model-cache misses). */
export function modelLoadCount(): number {
  return loads;
}

/**
 * What identifies a stored model's weights in a process-wide cache: its id and creation
 * time, so that a store rebuilt under a running process (ids start again) is not served
 * another store's model.
 */
export function modelCacheKey(record: Pick<ModelRecord, "id" | "createdAt">): string {
  return `${record.id}@${new Date(record.createdAt).getTime()}`;
}

export class ModelRegistry {
  constructor(private readonly db: DataSource | EntityManager) {}

  list(filter: { key?: PropertyKey | null; first: number }): Promise<ModelRecord[]> {
    return filter.key
      ? this.db.query(`SELECT ${MODEL_COLUMNS} FROM models WHERE key = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, [
          filter.key,
          filter.first,
        ])
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
      if (model.key !== key)
        throw new InvalidInputError(`model ${model.id} ("${model.name}") predicts ${model.key}, not ${key}`);
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
    const cacheKey = `${modelCacheKey(record)}:${info.name}@${info.version}`;
    let entry = loaded.get(cacheKey);
    if (entry) {
      loaded.delete(cacheKey); // re-inserted below: Map order is the recency order
    } else {
      loads += 1;
      entry = (async () => {
        const [row] = await this.db.query(`SELECT bundle FROM models WHERE id = $1`, [record.id]);
        if (!row) throw new NotFoundError(`no model with id ${record.id}`);
        return restoreModel(JSON.parse(row.bundle as string), info);
      })();
      entry.catch(() => loaded.delete(cacheKey));
    }
    loaded.set(cacheKey, entry);
    while (loaded.size > LOADED_MAX) loaded.delete(loaded.keys().next().value as string);
    return entry;
  }

  /**
   * Makes `modelId` the default of `key` (it must predict `key`), recording the change and
   * who made it; the model that was default stops being one. Asking for the current
   * default changes nothing and records nothing.
   */
  async setDefault(key: PropertyKey, modelId: number, changedBy: string): Promise<ModelRecord> {
    const entityManager: EntityManager = "manager" in this.db ? this.db.manager : this.db;
    return entityManager.transaction(async (manager) => {
      // Two concurrent changes of one key serialise on its rows; the partial unique index
      // (one default per key) would otherwise fail the second.
      const rows: Array<{ id: number; key: string; isDefault: boolean }> = await manager.query(
        `SELECT id, key, is_default AS "isDefault" FROM models WHERE key = $1 OR id = $2 ORDER BY id FOR UPDATE`,
        [key, modelId],
      );
      const target = rows.find((r) => r.id === modelId);
      if (!target) throw new NotFoundError(`no model with id ${modelId}`);
      if (target.key !== key) throw new InvalidInputError(`model ${modelId} predicts ${target.key}, not ${key}`);
      const registry = new ModelRegistry(manager);
      if (target.isDefault) return (await registry.byId(modelId)) as ModelRecord;
      const previous = rows.find((r) => r.isDefault && r.key === key)?.id ?? null;
      await registry.flagDefault(key, modelId, previous, changedBy);
      return (await registry.byId(modelId)) as ModelRecord;
    });
  }

  /** Changes of `key`'s default model (every property when null), newest first. */
  defaultChanges(filter: { key?: PropertyKey | null; first: number }): Promise<DefaultModelChange[]> {
    return filter.key
      ? this.db.query(
          `SELECT ${DEFAULT_CHANGE_COLUMNS} FROM model_default_changes WHERE key = $1 ORDER BY changed_at DESC, id DESC LIMIT $2`,
          [filter.key, filter.first],
        )
      : this.db.query(
          `SELECT ${DEFAULT_CHANGE_COLUMNS} FROM model_default_changes ORDER BY changed_at DESC, id DESC LIMIT $1`,
          [filter.first],
        );
  }

  /** Inside the caller's transaction: unflags `previous`, flags `modelId` from now, records the change. */
  private async flagDefault(
    key: PropertyKey,
    modelId: number,
    previous: number | null,
    changedBy: string,
  ): Promise<void> {
    await this.db.query(`UPDATE models SET is_default = false, default_since = NULL WHERE key = $1 AND is_default`, [
      key,
    ]);
    await this.db.query(`UPDATE models SET is_default = true, default_since = now() WHERE id = $1`, [modelId]);
    await this.db.query(
      `INSERT INTO model_default_changes (key, model_id, previous_model_id, changed_by) VALUES ($1, $2, $3, $4)`,
      [key, modelId, previous, changedBy],
    );
  }

  /** Stores a trained model (inside the caller's transaction); a new default replaces the old one, and the change is recorded. */
  async insert(model: NewModel): Promise<ModelRecord> {
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
        false,
        model.jobId,
      ],
    );
    const record = row as ModelRecord;
    if (!model.makeDefault) return record;
    const [previous] = await this.db.query(`SELECT id FROM models WHERE key = $1 AND is_default FOR UPDATE`, [
      model.key,
    ]);
    await this.flagDefault(
      model.key,
      record.id,
      (previous?.id as number | undefined) ?? null,
      model.jobId ? `job ${model.jobId}` : "registry",
    );
    return (await this.byId(record.id)) as ModelRecord;
  }
}
