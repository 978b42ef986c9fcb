import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Jobs as users see them: request, state, progress, result. pg-boss (its own
 * schema) only delivers them to workers. Identical requests share one job: at
 * most one queued, running or succeeded job per input hash.
 */
export class Jobs1764200000000 implements MigrationInterface {
  name = "Jobs1764200000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE jobs (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind         text NOT NULL,
        input        jsonb NOT NULL,
        input_hash   text NOT NULL,
        state        text NOT NULL DEFAULT 'QUEUED'
                     CHECK (state IN ('QUEUED','RUNNING','SUCCEEDED','FAILED','CANCELLED')),
        progress     double precision NOT NULL DEFAULT 0,
        message      text,
        result       jsonb,
        error        text,
        client       text,
        material_id  integer REFERENCES materials(id),
        attempts     integer NOT NULL DEFAULT 0,
        max_attempts integer NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        started_at   timestamptz,
        finished_at  timestamptz,
        updated_at   timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX jobs_live_input_idx ON jobs (input_hash) WHERE state IN ('QUEUED','RUNNING','SUCCEEDED')`,
    );
    await q.query(`CREATE INDEX jobs_state_idx ON jobs (state, created_at DESC)`);
    await q.query(`CREATE INDEX jobs_material_idx ON jobs (material_id, kind)`);
    await q.query(`CREATE INDEX jobs_client_idx ON jobs (client) WHERE state IN ('QUEUED','RUNNING')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE jobs`);
  }
}
