import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * entries.raw becomes json (the text as the source sent it, checked for syntax) instead of
 * jsonb (parsed into a binary tree): the payload is kept for provenance and read whole,
 * never searched inside, and converting every record to jsonb was a tenth of the
 * database's time in bulk ingest. json also keeps the record as sent — key order,
 * duplicate keys and number spelling — where jsonb normalises them.
 */
export class EntryRawAsSent1764700000000 implements MigrationInterface {
  name = "EntryRawAsSent1764700000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE entries ALTER COLUMN raw TYPE json USING raw::text::json`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE entries ALTER COLUMN raw TYPE jsonb USING raw::jsonb`);
  }
}
