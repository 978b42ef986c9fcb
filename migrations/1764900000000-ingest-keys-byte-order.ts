import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The text columns that bulk ingest indexes row by row compare by bytes (COLLATE "C"):
 * entries (source, source_id) and properties (source, key, method). They hold
 * identifiers (source names, source ids, property keys, method names), for which a
 * language's collation has no meaning, and under it every index insert compared them
 * through the C library's locale functions. Byte order also lets a B-tree index serve
 * `LIKE 'prefix%'` on them.
 *
 * Where the server has lz4 (PostgreSQL 14+ built with it; not the embedded store),
 * the entries' large values (the raw payload, coordinates, lattice, species) are
 * compressed with lz4 instead of pglz, which compresses several times faster.
 * Changing a column's collation rebuilds the indexes on it: on a large store this
 * migration takes a while.
 *
 * Measured by COPY of one bench:ingest JARVIS run (50,000 entries, 290,392 properties)
 * into copies of the two tables: 2.05–2.58 s before, 1.86–1.94 s after (minimum of four
 * runs, three rounds); bench:ingest JARVIS 50k, database CPU per run 2.22–2.70 s before,
 * 1.92–2.53 s after, in four alternated pairs.
 */
export class IngestKeysByteOrder1764900000000 implements MigrationInterface {
  name = "IngestKeysByteOrder1764900000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE entries ALTER COLUMN source TYPE text COLLATE "C", ALTER COLUMN source_id TYPE text COLLATE "C"`,
    );
    await q.query(
      `ALTER TABLE properties ALTER COLUMN source TYPE text COLLATE "C", ALTER COLUMN key TYPE text COLLATE "C",
                             ALTER COLUMN method TYPE text COLLATE "C"`,
    );
    await q.query(`DO $$
      BEGIN
        ALTER TABLE entries ALTER COLUMN raw SET COMPRESSION lz4, ALTER COLUMN frac_coords SET COMPRESSION lz4,
                            ALTER COLUMN lattice SET COMPRESSION lz4, ALTER COLUMN species SET COMPRESSION lz4;
      EXCEPTION WHEN feature_not_supported THEN
        RAISE NOTICE 'lz4 is not available: entries keep the default compression';
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE entries ALTER COLUMN raw SET COMPRESSION default, ALTER COLUMN frac_coords SET COMPRESSION default,
                                       ALTER COLUMN lattice SET COMPRESSION default, ALTER COLUMN species SET COMPRESSION default`);
    await q.query(
      `ALTER TABLE properties ALTER COLUMN source TYPE text COLLATE "default", ALTER COLUMN key TYPE text COLLATE "default",
                             ALTER COLUMN method TYPE text COLLATE "default"`,
    );
    await q.query(
      `ALTER TABLE entries ALTER COLUMN source TYPE text COLLATE "default",
                          ALTER COLUMN source_id TYPE text COLLATE "default"`,
    );
  }
}
