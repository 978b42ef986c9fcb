import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * What on-demand prediction needs:
 * - descriptor_cache: one computed descriptor vector per subject (a material for the
 *   composition set, an entry for the structure and simulation sets) and set, with the
 *   set's version and a digest of the inputs it was computed from; a row whose version
 *   or digest no longer matches is a miss and is recomputed on the next read. Values are
 *   little-endian float64 bytes (NaN survives; exact round trip); a subject that cannot be
 *   featurised is cached too, with its reason;
 * - models: the registry of trained models with their bundle (weights, descriptor
 *   version, calibration), metrics and training-data provenance; at most one default
 *   per property;
 * - transfer_reports: the results of transfer experiments (train on some sources, test
 *   on another) with the parity plot as SVG.
 */
export class DescriptorsModelsTransfer1764300000000 implements MigrationInterface {
  name = "DescriptorsModelsTransfer1764300000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE descriptor_cache (
        subject_kind text NOT NULL CHECK (subject_kind IN ('material','entry')),
        subject_id   integer NOT NULL,
        set_name     text NOT NULL,
        version      text NOT NULL,
        input_digest text NOT NULL,
        vector       bytea,
        error        text,
        computed_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subject_kind, subject_id, set_name)
      )`);
    await q.query(`
      CREATE TABLE models (
        id                 serial PRIMARY KEY,
        name               text NOT NULL UNIQUE,
        key                text NOT NULL,
        kind               text NOT NULL,
        task               text NOT NULL,
        descriptor_set     text NOT NULL,
        descriptor_version text NOT NULL,
        metrics            jsonb NOT NULL DEFAULT '{}'::jsonb,
        training           jsonb NOT NULL,
        bundle             text NOT NULL,
        is_default         boolean NOT NULL DEFAULT false,
        job_id             uuid REFERENCES jobs(id),
        created_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX models_key_idx ON models (key, created_at DESC)`);
    await q.query(`CREATE UNIQUE INDEX models_default_idx ON models (key) WHERE is_default`);
    await q.query(`
      CREATE TABLE transfer_reports (
        id             serial PRIMARY KEY,
        key            text NOT NULL,
        train_sources  text[] NOT NULL,
        test_source    text NOT NULL,
        model_kind     text NOT NULL,
        report         jsonb NOT NULL,
        parity_svg     text NOT NULL,
        job_id         uuid REFERENCES jobs(id),
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX transfer_reports_key_idx ON transfer_reports (key, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE transfer_reports`);
    await q.query(`DROP TABLE models`);
    await q.query(`DROP TABLE descriptor_cache`);
  }
}
