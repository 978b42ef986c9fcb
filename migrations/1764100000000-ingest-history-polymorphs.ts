import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * What ingestion needs beyond the initial schema:
 * - polymorphs: distinct structures of one material, each with a representative
 *   cell; `polymorph_fingerprints` maps exact structure fingerprints to their
 *   polymorph so a structure seen before is placed without running the matcher;
 * - entries learn their polymorph, their structure fingerprint, when they first
 *   appeared and which run withdrew them;
 * - property_history keeps every value a re-ingest replaced, with the run that replaced it;
 * - ingest_run_seen lists the ids a full run has seen (ids absent from it are withdrawn);
 * - ingest_runs learn the expected total, the withdrawn count and the options a resume needs.
 */
export class IngestHistoryPolymorphs1764100000000 implements MigrationInterface {
  name = "IngestHistoryPolymorphs1764100000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE polymorphs (
        id                serial PRIMARY KEY,
        material_id       integer NOT NULL REFERENCES materials(id),
        lattice           double precision[] NOT NULL,
        frac_coords       double precision[] NOT NULL,
        species           text[] NOT NULL,
        spacegroup_number smallint,
        spacegroup_symbol text,
        created_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX polymorphs_material_idx ON polymorphs (material_id, id)`);
    await q.query(`
      CREATE TABLE polymorph_fingerprints (
        material_id  integer NOT NULL REFERENCES materials(id),
        fingerprint  text NOT NULL,
        polymorph_id integer NOT NULL REFERENCES polymorphs(id),
        PRIMARY KEY (material_id, fingerprint)
      )`);

    await q.query(`ALTER TABLE entries ADD COLUMN polymorph_id integer REFERENCES polymorphs(id)`);
    await q.query(`ALTER TABLE entries ADD COLUMN structure_fingerprint text`);
    await q.query(`ALTER TABLE entries ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()`);
    await q.query(`ALTER TABLE entries ADD COLUMN withdrawn_run_id integer REFERENCES ingest_runs(id)`);
    await q.query(`CREATE INDEX entries_polymorph_idx ON entries (polymorph_id) WHERE polymorph_id IS NOT NULL`);
    await q.query(`CREATE INDEX entries_source_created_idx ON entries (source, created_at)`);
    await q.query(
      `CREATE INDEX entries_source_withdrawn_idx ON entries (source, withdrawn_at) WHERE withdrawn_at IS NOT NULL`,
    );

    await q.query(`ALTER TABLE ingest_runs ADD COLUMN total integer`);
    await q.query(`ALTER TABLE ingest_runs ADD COLUMN withdrawn integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE ingest_runs ADD COLUMN options jsonb`);

    await q.query(`
      CREATE TABLE property_history (
        id                 bigserial PRIMARY KEY,
        entry_id           integer NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        source             text NOT NULL,
        key                text NOT NULL,
        method             text NOT NULL DEFAULT '',
        temperature_k      double precision,
        value              double precision,
        value_array        double precision[],
        unit               text NOT NULL,
        source_value       double precision,
        source_unit        text,
        new_value          double precision,
        new_value_array    double precision[],
        replaced_by_run_id integer REFERENCES ingest_runs(id),
        replaced_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX property_history_entry_idx ON property_history (entry_id, replaced_at)`);
    await q.query(`CREATE INDEX property_history_source_idx ON property_history (source, replaced_at)`);

    await q.query(`CREATE TABLE ingest_run_seen (run_id integer NOT NULL, source_id text NOT NULL)`);
    await q.query(`CREATE INDEX ingest_run_seen_run_idx ON ingest_run_seen (run_id, source_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ingest_run_seen`);
    await q.query(`DROP TABLE property_history`);
    await q.query(`ALTER TABLE ingest_runs DROP COLUMN options, DROP COLUMN withdrawn, DROP COLUMN total`);
    await q.query(
      `ALTER TABLE entries DROP COLUMN withdrawn_run_id, DROP COLUMN created_at, DROP COLUMN structure_fingerprint, DROP COLUMN polymorph_id`,
    );
    await q.query(`DROP TABLE polymorph_fingerprints`);
    await q.query(`DROP TABLE polymorphs`);
  }
}
