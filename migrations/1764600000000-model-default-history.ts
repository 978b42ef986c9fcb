import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Which model is each property's default, since when, and who changed it:
 * - models.default_since: when the current default became one (null for the others);
 * - model_default_changes: every change of a property's default (a `setDefaultModel`
 *   mutation, or a trained model registered as default), with the model it replaced.
 * Existing defaults are recorded as having become default when they were created.
 */
export class ModelDefaultHistory1764600000000 implements MigrationInterface {
  name = "ModelDefaultHistory1764600000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE models ADD COLUMN default_since timestamptz`);
    await q.query(`UPDATE models SET default_since = created_at WHERE is_default`);
    await q.query(`
      CREATE TABLE model_default_changes (
        id                serial PRIMARY KEY,
        key               text NOT NULL,
        model_id          integer NOT NULL REFERENCES models(id),
        previous_model_id integer REFERENCES models(id),
        changed_by        text NOT NULL,
        changed_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX model_default_changes_key_idx ON model_default_changes (key, changed_at DESC, id DESC)`,
    );
    await q.query(`
      INSERT INTO model_default_changes (key, model_id, changed_by, changed_at)
      SELECT key, id, 'migration', created_at FROM models WHERE is_default`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE model_default_changes`);
    await q.query(`ALTER TABLE models DROP COLUMN default_since`);
  }
}
