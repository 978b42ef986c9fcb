import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * One foreign key from a property to its entry and the entry's material, instead of
 * one to each.
 *
 * `properties.material_id` is a copy of its entry's material (kept so that property
 * filters and cross-source reads are one index scan). Two separate keys checked two
 * rows per inserted property and still let the copy disagree with the entry; a key
 * on (entry_id, material_id) → entries (id, material_id) checks one row, guarantees
 * the copy, and follows an entry that moves to another material (ON UPDATE CASCADE).
 * Property inserts are the bulk of every ingest batch (about four per entry), and
 * their key checks were about half of their cost.
 */
export class PropertyEntryMaterialKey1764400000000 implements MigrationInterface {
  name = "PropertyEntryMaterialKey1764400000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE entries ADD CONSTRAINT entries_id_material_unique UNIQUE (id, material_id)`);
    await q.query(
      `UPDATE properties p SET material_id = e.material_id
       FROM entries e WHERE e.id = p.entry_id AND p.material_id <> e.material_id`,
    );
    await q.query(`ALTER TABLE properties DROP CONSTRAINT properties_entry_id_fkey`);
    await q.query(`ALTER TABLE properties DROP CONSTRAINT properties_material_id_fkey`);
    await q.query(
      `ALTER TABLE properties ADD CONSTRAINT properties_entry_material_fkey FOREIGN KEY (entry_id, material_id)
       REFERENCES entries (id, material_id) ON DELETE CASCADE ON UPDATE CASCADE`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE properties DROP CONSTRAINT properties_entry_material_fkey`);
    await q.query(
      `ALTER TABLE properties ADD CONSTRAINT properties_entry_id_fkey FOREIGN KEY (entry_id)
       REFERENCES entries (id) ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE properties ADD CONSTRAINT properties_material_id_fkey FOREIGN KEY (material_id) REFERENCES materials (id)`,
    );
    await q.query(`ALTER TABLE entries DROP CONSTRAINT entries_id_material_unique`);
  }
}
