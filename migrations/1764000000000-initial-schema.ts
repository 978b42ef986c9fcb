import type { MigrationInterface, QueryRunner } from "typeorm";

const SOURCES = "'AFLOW','OQMD','JARVIS','MP','OPTIMADE','USER','SIMULATION'";

/**
 * Materials (one per reduced composition), entries (one per source record, with
 * structure and raw payload), properties (canonical value + source value and unit),
 * ingest runs. Properties repeat their entry's material and source so that the
 * property-range filters and cross-source reads are one index scan each.
 */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = "InitialSchema1764000000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE materials (
        id                serial PRIMARY KEY,
        formula           text NOT NULL UNIQUE,
        elements          text[] NOT NULL,
        nelements         smallint NOT NULL,
        chemsys           text NOT NULL,
        formula_anonymous text NOT NULL,
        created_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX materials_elements_gin ON materials USING gin (elements)`);
    await q.query(`CREATE INDEX materials_chemsys_idx ON materials (chemsys)`);
    await q.query(`CREATE INDEX materials_nelements_idx ON materials (nelements, formula)`);

    await q.query(`
      CREATE TABLE entries (
        id                serial PRIMARY KEY,
        source            text NOT NULL CHECK (source IN (${SOURCES})),
        source_id         text NOT NULL,
        material_id       integer NOT NULL REFERENCES materials(id),
        method            text,
        functional        text,
        spacegroup_number smallint CHECK (spacegroup_number BETWEEN 1 AND 230),
        spacegroup_symbol text,
        lattice           double precision[],
        frac_coords       double precision[],
        species           text[],
        nsites            integer,
        volume            double precision,
        density           double precision,
        raw               jsonb,
        source_url        text,
        release           text,
        fetched_at        timestamptz NOT NULL DEFAULT now(),
        withdrawn_at      timestamptz,
        CONSTRAINT entries_source_id_unique UNIQUE (source, source_id)
      )`);
    await q.query(`CREATE INDEX entries_material_idx ON entries (material_id, source)`);

    await q.query(`
      CREATE TABLE properties (
        id            serial PRIMARY KEY,
        entry_id      integer NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        material_id   integer NOT NULL REFERENCES materials(id),
        source        text NOT NULL,
        key           text NOT NULL,
        value         double precision,
        value_array   double precision[],
        unit          text NOT NULL,
        source_value  double precision,
        source_unit   text,
        method        text NOT NULL DEFAULT '',
        temperature_k double precision,
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CHECK (value IS NOT NULL OR value_array IS NOT NULL)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX properties_identity_idx ON properties (entry_id, key, method, (COALESCE(temperature_k, -1)))`,
    );
    await q.query(`CREATE INDEX properties_key_value_idx ON properties (key, value) INCLUDE (material_id, source)`);
    await q.query(`CREATE INDEX properties_material_idx ON properties (material_id, key)`);

    await q.query(`
      CREATE TABLE ingest_runs (
        id            serial PRIMARY KEY,
        source        text NOT NULL CHECK (source IN (${SOURCES})),
        kind          text NOT NULL,
        target        text NOT NULL,
        status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running','succeeded','failed','cancelled')),
        release       text,
        started_at    timestamptz NOT NULL DEFAULT now(),
        finished_at   timestamptz,
        fetched       integer NOT NULL DEFAULT 0,
        inserted      integer NOT NULL DEFAULT 0,
        updated       integer NOT NULL DEFAULT 0,
        unchanged     integer NOT NULL DEFAULT 0,
        skipped       integer NOT NULL DEFAULT 0,
        skipped_records jsonb NOT NULL DEFAULT '[]',
        checkpoint    jsonb,
        error         text
      )`);
    await q.query(`CREATE INDEX ingest_runs_source_idx ON ingest_runs (source, started_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ingest_runs`);
    await q.query(`DROP TABLE properties`);
    await q.query(`DROP TABLE entries`);
    await q.query(`DROP TABLE materials`);
  }
}
