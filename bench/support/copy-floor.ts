import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Client } from "pg";
import { from as copyFrom } from "pg-copy-streams";

export interface CopyFloor {
  readonly floor: string;
  readonly rows: number;
  readonly rowsPerSecond: number;
  readonly seconds: number;
  /** Whether the server checkpointed first (it needs the right to, see ingest.bench's checkpoint). */
  readonly checkpointed: boolean;
}

const KEYS = ["band_gap", "bulk_modulus", "density", "formation_energy", "hull", "shear_modulus", "volume", "debye"];

/**
 * How fast this database server takes a bare COPY of `rows` small rows into an indexed
 * table (a bigint primary key and a (key, value) index, like the properties'), measured
 * right after a checkpoint. The ingest rates are only comparable across machines, or
 * across the speed phases of one shared machine, next to this number.
 */
export async function measureCopyFloor(databaseUrl: string, rows = 1_000_000): Promise<CopyFloor> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const table = "bench_copy_floor";
  try {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.query(
      `CREATE TABLE ${table} (id bigint PRIMARY KEY, key text COLLATE "C" NOT NULL, value double precision)`,
    );
    await client.query(`CREATE INDEX ${table}_key_value ON ${table} (key, value)`);
    const checkpointed = await client.query("CHECKPOINT").then(
      () => true,
      () => false,
    );
    // The rows' text is made before the clock starts: the floor is the server's, not this process's.
    const chunks: string[] = [];
    let rng = 12345;
    for (let start = 0; start < rows; start += 10_000) {
      let text = "";
      for (let id = start; id < Math.min(rows, start + 10_000); id++) {
        rng = (rng * 1103515245 + 12345) % 2147483648;
        text += `${id}\t${KEYS[id % KEYS.length]}\t${(rng / 2147483648) * 100}\n`;
      }
      chunks.push(text);
    }
    const started = process.hrtime.bigint();
    await pipeline(Readable.from(chunks), client.query(copyFrom(`COPY ${table} (id, key, value) FROM STDIN`)));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      floor: "bare COPY into an indexed table",
      rows,
      rowsPerSecond: Math.round(rows / seconds),
      seconds: +seconds.toFixed(2),
      checkpointed,
    };
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await client.end();
  }
}
