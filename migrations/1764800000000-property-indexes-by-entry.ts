import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * properties keeps two indexes instead of four: its identity (entry, key, method,
 * temperature), which every writer and per-entry reader uses, and (key, value), which the
 * range filters use. The surrogate `id` was read by nothing, and reads by material now go
 * through the material's entries (entries_material_idx, then the identity index), so
 * neither needs an index of its own. Keeping an index costs every inserted row: in bulk
 * ingest these two were a third of the time PostgreSQL spent loading properties.
 */
export class PropertyIndexesByEntry1764800000000 implements MigrationInterface {
  name = "PropertyIndexesByEntry1764800000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX properties_material_idx`);
    await q.query(`ALTER TABLE properties DROP COLUMN id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE properties ADD COLUMN id serial PRIMARY KEY`);
    await q.query(`CREATE INDEX properties_material_idx ON properties (material_id, key)`);
  }
}
