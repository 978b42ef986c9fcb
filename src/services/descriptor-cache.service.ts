import { createHash } from "node:crypto";
import type { DataSource } from "typeorm";
import { PropertyKey } from "../domain/property-key";
import { Source } from "../domain/source";
import { type DescriptorSetInfo, FeaturizationError } from "../engine/descriptors/descriptor-set";
import { MagpieFeaturizer } from "../engine/descriptors/magpie.featurizer";
import { MesoscaleFeaturizer, type MesoscaleInput } from "../engine/descriptors/mesoscale.featurizer";
import { SimulationFeaturizer } from "../engine/descriptors/simulation.featurizer";
import { StructureFeaturizer } from "../engine/descriptors/structure.featurizer";

/**
 * Descriptors computed on first request and kept in `descriptor_cache`: the composition
 * set per material (from its reduced formula), the structure set per entry (its cell)
 * the simulation set per entry (the MD elastic tensor stored under SIMULATION) and the
 * mesoscale set per entry (the microstructure of the newest polycrystal job's stored result).
 *
 * A cached row answers a read only when its set version equals the version this build
 * computes and its input digest equals the digest of the current inputs; anything else
 * is a miss, recomputed and written back, so a new descriptor version (or a changed
 * structure) recomputes lazily, one page of materials at a time. A batch of subjects
 * costs one read, plus one upsert when there were misses.
 *
 * In front of the table sits a bounded in-process layer with the same rule (version and
 * digest must match), so a warm page of materials does not move its vectors over the
 * wire again; a new build starts with an empty layer and reads the table.
 *
 * Counters of hits and misses are per process (each server or worker counts its own
 * reads), exposed by the `metrics` query.
 */
export type DescriptorSetKind = "COMPOSITION" | "STRUCTURE" | "SIMULATION" | "MESOSCALE";

export const DESCRIPTOR_SET_KINDS: readonly DescriptorSetKind[] = [
  "COMPOSITION",
  "STRUCTURE",
  "SIMULATION",
  "MESOSCALE",
];

/** The job kind whose stored entries carry a microstructure (raw.summary.descriptors). */
const POLYCRYSTAL_KIND = "micro.polycrystal";

interface SetFeaturizer<T> {
  readonly info: DescriptorSetInfo;
  featurize(input: T): Float64Array;
}

const magpie = new MagpieFeaturizer();
const structure = new StructureFeaturizer();
const simulation = new SimulationFeaturizer();
const mesoscale = new MesoscaleFeaturizer();

export const DESCRIPTOR_SET_INFO: Readonly<Record<DescriptorSetKind, DescriptorSetInfo>> = {
  COMPOSITION: magpie.info,
  STRUCTURE: structure.info,
  SIMULATION: simulation.info,
  MESOSCALE: mesoscale.info,
};

export interface DescriptorVector {
  readonly set: DescriptorSetKind;
  readonly info: DescriptorSetInfo;
  readonly subjectKind: "material" | "entry";
  readonly subjectId: number;
  readonly materialId: number;
  /** NaN where a feature is unknown; null when the subject could not be featurised. */
  readonly values: Float64Array | null;
  readonly error: string | null;
  /** True when read from the cache, false when computed by this read. */
  readonly cached: boolean;
}

export interface DescriptorCounter {
  readonly set: DescriptorSetKind;
  readonly name: string;
  readonly version: string;
  readonly hits: number;
  readonly misses: number;
}

const counters = new Map<DescriptorSetKind, { hits: number; misses: number }>(
  DESCRIPTOR_SET_KINDS.map((k) => [k, { hits: 0, misses: 0 }]),
);

export function descriptorCacheCounters(): DescriptorCounter[] {
  return DESCRIPTOR_SET_KINDS.map((set) => {
    const c = counters.get(set) ?? { hits: 0, misses: 0 };
    return {
      set,
      name: DESCRIPTOR_SET_INFO[set].name,
      version: DESCRIPTOR_SET_INFO[set].version,
      hits: c.hits,
      misses: c.misses,
    };
  });
}

/** One thing to featurise: the cache key, the material it belongs to, a digest of its inputs and how to compute it. */
interface Subject<T> {
  readonly id: number;
  readonly materialId: number;
  readonly digest: string;
  readonly input: T;
}

interface CacheRow {
  subjectId: number;
  version: string;
  digest: string;
  vector: Buffer | null;
  error: string | null;
}

interface MemoryEntry {
  readonly version: string;
  readonly digest: string;
  readonly values: Float64Array | null;
  readonly error: string | null;
}

/** About 1.2 kB per composition vector: 50 000 entries stay under 60 MB. */
const MEMORY_MAX = 50_000;
const memory = new Map<string, MemoryEntry>();

/** Empties the in-process layer (the table keeps its rows): what a restarted process starts with. */
export function clearDescriptorMemory(): void {
  memory.clear();
}

function remember(key: string, entry: MemoryEntry): void {
  memory.delete(key);
  memory.set(key, entry);
  if (memory.size > MEMORY_MAX) memory.delete(memory.keys().next().value as string);
}

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

function toBytes(values: Float64Array): string {
  const le = Buffer.alloc(values.length * 8);
  for (let i = 0; i < values.length; i++) le.writeDoubleLE(values[i] as number, i * 8);
  return le.toString("hex");
}

function fromBytes(bytes: Buffer): Float64Array {
  // A copy into a fresh (aligned) buffer is one memcpy; per-value reads only on big-endian hosts.
  if (LITTLE_ENDIAN) return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const out = new Float64Array(bytes.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readDoubleLE(i * 8);
  return out;
}

const sha1 = (text: string): string => createHash("sha1").update(text).digest("hex");

interface StructureRow {
  id: number;
  materialId: number;
  lattice: number[];
  fracCoords: number[];
  species: string[];
  spacegroupNumber: number | null;
}

interface TensorRow {
  entryId: number;
  materialId: number;
  values: number[];
}

export class DescriptorCacheService {
  constructor(private readonly dataSource: DataSource) {}

  /** Composition descriptors of materials, keyed by material; in the order given. */
  composition(materials: readonly { id: number; formula: string }[]): Promise<DescriptorVector[]> {
    return this.resolve(
      "COMPOSITION",
      "material",
      magpie,
      materials.map((m) => ({ id: m.id, materialId: m.id, digest: m.formula, input: m.formula })),
    );
  }

  /**
   * Structure descriptors of each material's structure: the given entry, or the material's
   * first live entry with a cell (lowest id). Null for a material without one.
   */
  async structure(materialIds: readonly number[], entryId?: number): Promise<Array<DescriptorVector | null>> {
    const rows: StructureRow[] = await this.dataSource.query(
      `SELECT DISTINCT ON (e.material_id) e.id, e.material_id AS "materialId", e.lattice, e.frac_coords AS "fracCoords",
              e.species, e.spacegroup_number AS "spacegroupNumber"
       FROM entries e
       WHERE e.material_id = ANY($1::int[]) AND e.lattice IS NOT NULL AND e.species IS NOT NULL AND e.withdrawn_at IS NULL
         ${entryId === undefined ? "" : "AND e.id = $2"}
       ORDER BY e.material_id, e.id`,
      entryId === undefined ? [materialIds] : [materialIds, entryId],
    );
    const subjects = rows.map((r) => {
      const latticeA = [0, 1, 2].map(
        (i) => [r.lattice[3 * i], r.lattice[3 * i + 1], r.lattice[3 * i + 2]] as [number, number, number],
      );
      const fractional = r.species.map(
        (_, i) => [r.fracCoords[3 * i], r.fracCoords[3 * i + 1], r.fracCoords[3 * i + 2]] as [number, number, number],
      );
      const input = {
        latticeA,
        species: r.species,
        fractional,
        ...(r.spacegroupNumber != null ? { spaceGroupNumber: r.spacegroupNumber } : {}),
      };
      return {
        id: r.id,
        materialId: r.materialId,
        digest: sha1(JSON.stringify([r.lattice, r.fracCoords, r.species, r.spacegroupNumber])),
        input,
      };
    });
    return this.byMaterial(materialIds, await this.resolve("STRUCTURE", "entry", structure, subjects));
  }

  /**
   * Simulation descriptors from the newest MD elastic tensor stored for each material
   * (keyed by the SIMULATION entry holding it). Null for a material never simulated.
   */
  async simulation(materialIds: readonly number[]): Promise<Array<DescriptorVector | null>> {
    const rows: TensorRow[] = await this.dataSource.query(
      `SELECT DISTINCT ON (e.material_id) p.entry_id AS "entryId", e.material_id AS "materialId", p.value_array AS "values"
       FROM entries e JOIN properties p ON p.entry_id = e.id
       WHERE e.material_id = ANY($1::int[]) AND e.source = $2 AND p.key = $3 AND p.method LIKE 'MD-%'
         AND p.value_array IS NOT NULL AND e.withdrawn_at IS NULL
       ORDER BY e.material_id, p.updated_at DESC, p.entry_id DESC, p.method DESC`,
      [materialIds, Source.SIMULATION, PropertyKey.ELASTIC_TENSOR],
    );
    // Voigt 6×6 row-major: C11 at 0, C12 at 1, C44 at 3·6 + 3.
    const subjects = rows.map((r) => ({
      id: r.entryId,
      materialId: r.materialId,
      digest: sha1(JSON.stringify(r.values)),
      input: { elasticConstantsGPa: { c11: r.values[0] ?? NaN, c12: r.values[1] ?? NaN, c44: r.values[21] ?? NaN } },
    }));
    return this.byMaterial(materialIds, await this.resolve("SIMULATION", "entry", simulation, subjects));
  }

  /**
   * Mesoscale descriptors of the microstructure in each material's newest polycrystal
   * result (keyed by the SIMULATION entry the job stored). Null for a material without one.
   */
  async mesoscale(materialIds: readonly number[]): Promise<Array<DescriptorVector | null>> {
    const rows: Array<{ entryId: number; materialId: number; descriptors: Record<string, unknown> | null }> =
      await this.dataSource.query(
        `SELECT DISTINCT ON (e.material_id) e.id AS "entryId", e.material_id AS "materialId", e.raw -> 'summary' -> 'descriptors' AS descriptors
       FROM entries e
       WHERE e.material_id = ANY($1::int[]) AND e.source = $2 AND e.raw ->> 'kind' = $3 AND e.withdrawn_at IS NULL
       ORDER BY e.material_id, e.fetched_at DESC, e.id DESC`,
        [materialIds, Source.SIMULATION, POLYCRYSTAL_KIND],
      );
    const numberOf = (d: Record<string, unknown> | null, key: string): number | undefined => {
      const v = d?.[key];
      return typeof v === "number" ? v : undefined;
    };
    const subjects = rows.map((r) => {
      const input: MesoscaleInput = {
        grainSizeMeanM: numberOf(r.descriptors, "grainSizeMeanM"),
        grainSizeStdM: numberOf(r.descriptors, "grainSizeStdM"),
        meanLinearInterceptM: numberOf(r.descriptors, "meanLinearInterceptM"),
        boundaryAreaPerVolumePerM: numberOf(r.descriptors, "boundaryAreaPerVolumePerM"),
        textureIndex: numberOf(r.descriptors, "textureIndex"),
      };
      return { id: r.entryId, materialId: r.materialId, digest: sha1(JSON.stringify(r.descriptors)), input };
    });
    return this.byMaterial(materialIds, await this.resolve("MESOSCALE", "entry", mesoscale, subjects));
  }

  private byMaterial(materialIds: readonly number[], vectors: DescriptorVector[]): Array<DescriptorVector | null> {
    const map = new Map(vectors.map((v) => [v.materialId, v]));
    return materialIds.map((id) => map.get(id) ?? null);
  }

  private async resolve<T>(
    set: DescriptorSetKind,
    subjectKind: "material" | "entry",
    featurizer: SetFeaturizer<T>,
    subjects: readonly Subject<T>[],
  ): Promise<DescriptorVector[]> {
    if (subjects.length === 0) return [];
    const info = featurizer.info;
    const unique = [...new Map(subjects.map((s) => [s.id, s])).values()];
    const memoryKey = (id: number) => `${subjectKind}:${id}:${info.name}`;
    const results = new Map<number, DescriptorVector>();
    const fresh = (e: MemoryEntry | undefined, s: Subject<T>): e is MemoryEntry =>
      e?.version === info.version && e.digest === s.digest;
    for (const s of unique) {
      const key = memoryKey(s.id);
      const entry = memory.get(key);
      if (!fresh(entry, s)) continue;
      remember(key, entry);
      results.set(s.id, {
        set,
        info,
        subjectKind,
        subjectId: s.id,
        materialId: s.materialId,
        values: entry.values,
        error: entry.error,
        cached: true,
      });
    }
    const unread = unique.filter((s) => !results.has(s.id));
    const rows: CacheRow[] =
      unread.length === 0
        ? []
        : await this.dataSource.query(
            `SELECT subject_id AS "subjectId", version, input_digest AS digest, vector, error FROM descriptor_cache
             WHERE subject_kind = $1 AND set_name = $2 AND subject_id = ANY($3::int[])`,
            [subjectKind, info.name, unread.map((s) => s.id)],
          );
    const cached = new Map(rows.map((r) => [r.subjectId, r]));
    const computed: Array<{ id: number; digest: string; hex: string | null; error: string | null }> = [];
    for (const s of unread) {
      const row = cached.get(s.id);
      const base = { set, info, subjectKind, subjectId: s.id, materialId: s.materialId };
      if (row && row.version === info.version && row.digest === s.digest) {
        const values = row.vector ? fromBytes(row.vector) : null;
        remember(memoryKey(s.id), { version: row.version, digest: row.digest, values, error: row.error });
        results.set(s.id, { ...base, values, error: row.error, cached: true });
        continue;
      }
      let values: Float64Array | null = null;
      let error: string | null = null;
      try {
        values = featurizer.featurize(s.input);
      } catch (err) {
        if (!(err instanceof FeaturizationError)) throw err;
        error = err.reason;
      }
      results.set(s.id, { ...base, values, error, cached: false });
      remember(memoryKey(s.id), { version: info.version, digest: s.digest, values, error });
      computed.push({ id: s.id, digest: s.digest, hex: values ? toBytes(values) : null, error });
    }
    const counter = counters.get(set) as { hits: number; misses: number };
    counter.hits += unique.length - computed.length;
    counter.misses += computed.length;
    if (computed.length > 0) {
      await this.dataSource.query(
        `INSERT INTO descriptor_cache (subject_kind, subject_id, set_name, version, input_digest, vector, error, computed_at)
         SELECT $1, u.id, $2, $3, u.digest, decode(u.hex, 'hex'), u.error, now()
         FROM unnest($4::int[], $5::text[], $6::text[], $7::text[]) AS u(id, digest, hex, error)
         ON CONFLICT (subject_kind, subject_id, set_name) DO UPDATE
           SET version = EXCLUDED.version, input_digest = EXCLUDED.input_digest, vector = EXCLUDED.vector,
               error = EXCLUDED.error, computed_at = EXCLUDED.computed_at`,
        [
          subjectKind,
          info.name,
          info.version,
          computed.map((c) => c.id),
          computed.map((c) => c.digest),
          computed.map((c) => c.hex),
          computed.map((c) => c.error),
        ],
      );
    }
    return subjects.map((s) => results.get(s.id) as DescriptorVector);
  }
}
