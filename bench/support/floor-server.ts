import http from "node:http";
import type { AddressInfo } from "node:net";
import { Pool } from "pg";

/**
 * The floor for bench:api: the same three reads as the GraphQL queries, written
 * by hand against `pg` and answered as JSON by a bare HTTP handler. No schema, no
 * resolvers, no validation: what a throwaway script would do.
 */
export interface FloorServer {
  readonly url: string;
  stop(): Promise<void>;
}

interface EntryRow {
  id: number;
  material_id: number;
  source: string;
  source_id: string;
}
interface PropertyRow {
  entry_id: number;
  material_id: number;
  key: string;
  value: number | null;
  unit: string;
  source: string;
}

export async function startFloorServer(databaseUrl: string): Promise<FloorServer> {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });

  async function entriesWithProperties(materialIds: number[]) {
    const entries = (
      await pool.query<EntryRow>(
        `SELECT id, material_id, source, source_id FROM entries WHERE material_id = ANY($1::int[]) ORDER BY source, source_id`,
        [materialIds],
      )
    ).rows;
    const props = (
      await pool.query<PropertyRow>(
        `SELECT entry_id, material_id, key, value, unit, source FROM properties WHERE entry_id = ANY($1::int[])`,
        [entries.map((e) => e.id)],
      )
    ).rows;
    const propsByEntry = new Map<number, PropertyRow[]>();
    for (const p of props) propsByEntry.set(p.entry_id, [...(propsByEntry.get(p.entry_id) ?? []), p]);
    const byMaterial = new Map<number, unknown[]>();
    for (const e of entries) {
      const list = byMaterial.get(e.material_id) ?? [];
      list.push({
        source: e.source,
        sourceId: e.source_id,
        properties: (propsByEntry.get(e.id) ?? []).map((p) => ({ key: p.key, value: p.value, unit: p.unit })),
      });
      byMaterial.set(e.material_id, list);
    }
    return byMaterial;
  }

  async function page(after: string | null) {
    const materials = (
      await pool.query<{ id: number; formula: string; elements: string[]; nelements: number; chemsys: string }>(
        after === null
          ? `SELECT id, formula, elements, nelements, chemsys FROM materials ORDER BY formula LIMIT 50`
          : `SELECT id, formula, elements, nelements, chemsys FROM materials WHERE formula > $1 ORDER BY formula LIMIT 50`,
        after === null ? [] : [after],
      )
    ).rows;
    const entries = await entriesWithProperties(materials.map((m) => m.id));
    return materials.map((m) => ({ ...m, entries: entries.get(m.id) ?? [] }));
  }

  async function range(element: string, key: string, min: number, max: number) {
    const materials = (
      await pool.query<{ id: number; formula: string }>(
        // The same plan the API uses for a selective range: materials by key from the (key, value) index.
        `WITH m AS MATERIALIZED (
           SELECT id, formula, elements FROM materials
           WHERE id = ANY(ARRAY(SELECT p.material_id FROM properties p WHERE p.key = $2 AND p.value >= $3 AND p.value <= $4)))
         SELECT m.id, m.formula FROM m WHERE m.elements @> $1::text[] ORDER BY m.formula LIMIT 50`,
        [[element], key, min, max],
      )
    ).rows;
    const props = (
      await pool.query<PropertyRow>(
        `SELECT p.material_id, p.value, p.unit, p.source FROM entries e JOIN properties p ON p.entry_id = e.id
         WHERE e.material_id = ANY($1::int[]) AND p.key = $2`,
        [materials.map((m) => m.id), key],
      )
    ).rows;
    return materials.map((m) => ({
      ...m,
      properties: props
        .filter((p) => p.material_id === m.id)
        .map((p) => ({ value: p.value, unit: p.unit, source: p.source })),
    }));
  }

  async function material(id: number) {
    const [m] = (
      await pool.query<{ id: number; formula: string }>(`SELECT id, formula FROM materials WHERE id = $1`, [id])
    ).rows;
    if (!m) return null;
    const entries = await entriesWithProperties([m.id]);
    return { ...m, entries: entries.get(m.id) ?? [] };
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://floor");
    const work =
      url.pathname === "/page"
        ? page(url.searchParams.get("after"))
        : url.pathname === "/range"
          ? range(
              url.searchParams.get("element") ?? "O",
              url.searchParams.get("key") ?? "BAND_GAP",
              Number(url.searchParams.get("min")),
              Number(url.searchParams.get("max")),
            )
          : material(Number(url.searchParams.get("id")));
    work.then(
      (data) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ data }));
      },
      (error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await new Promise((r) => server.close(r));
      await pool.end();
    },
  };
}
