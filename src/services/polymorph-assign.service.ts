import { hash } from "node:crypto";
import type { EntityManager } from "typeorm";
import type { Crystal } from "../engine/structure/crystal";
import { structuresMatch } from "../engine/structure/structure-matcher";
import type { CanonicalStructure } from "./canonical-entry";

/**
 * Places entries with a structure into the polymorphs of their material.
 *
 * A structure's fingerprint (its exact cell, rounded to 1e-4) is looked up first:
 * a structure seen before goes where it went then, so re-ingests and repeated
 * records never run the matcher. A new fingerprint is compared with the material's
 * polymorphs in creation order by the structure matcher (pymatgen StructureMatcher
 * defaults: ltol 0.2, stol 0.3, angle_tol 5°, primitive + Niggli cells, volume
 * scaled), and founds a new polymorph when none matches. Creation is serialised by
 * a transaction-scoped advisory lock so that two concurrent writers cannot found
 * the same polymorph twice. Every polymorph an entry is placed in is locked as the
 * entries' foreign-key check would lock it (FOR KEY SHARE), by the statement that finds
 * it, or was created by this transaction: a writer may run with those checks off.
 */
export interface PolymorphCandidate {
  readonly materialId: number;
  readonly structure?: CanonicalStructure;
  readonly spacegroupNumber?: number;
  readonly spacegroupSymbol?: string;
}

export interface PolymorphPlacement {
  readonly polymorphId: number;
  readonly fingerprint: string;
}

const POLYMORPH_LOCK = 764_100_001;

/**
 * The text the fingerprint hashes: the lattice's nine numbers joined by ",", "|", the
 * species joined by ",", "|", then per site its wrapped fractional coordinates joined by
 * " ", sites joined by ";" — every number as fixed4 prints it. It is written straight
 * into bytes (and hashed from there), since building it as a string of pieces showed in
 * ingest profiles; the bytes are the UTF-8 of that text.
 */
let scratch = Buffer.allocUnsafe(1 << 14);

export function structureFingerprint(structure: CanonicalStructure): string {
  const species = structure.species.join(",");
  const coords = structure.fracCoords;
  let sites = 0;
  for (const f of coords) sites += f.length;
  const most = (9 + sites) * (FIXED4_MOST + 1) + 3 * species.length + 2;
  if (scratch.length < most) scratch = Buffer.allocUnsafe(2 * most);
  const bytes = scratch;
  let at = 0;
  let first = true;
  for (const row of structure.lattice) {
    for (const x of row) {
      if (!first) bytes[at++] = COMMA;
      first = false;
      at = writeFixed4(bytes, at, x);
    }
  }
  bytes[at++] = BAR;
  at += bytes.write(species, at, "utf8");
  bytes[at++] = BAR;
  for (let i = 0; i < coords.length; i++) {
    const f = coords[i] as readonly number[];
    if (i > 0) bytes[at++] = SEMICOLON;
    for (let k = 0; k < f.length; k++) {
      if (k > 0) bytes[at++] = SPACE;
      at = writeFixed4(bytes, at, wrapFraction(f[k] as number));
    }
  }
  // One-shot hash: no Hash object per structure.
  return hash("sha1", bytes.subarray(0, at), "base64url");
}

const COMMA = 44;
const BAR = 124;
const SEMICOLON = 59;
const SPACE = 32;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
/** Longest fixed4 text: toFixed(4) of a large double (e.g. "-123456789012345678901.0000" or "-1.7976931348623157e+308"). */
const FIXED4_MOST = 32;

/** A fractional coordinate in [0, 1), with values that round to 1 taken as 0. */
function wrapFraction(x: number): number {
  const w = x - Math.floor(x);
  return w > 0.99995 ? 0 : w;
}

/**
 * `x` rounded to 4 decimals, printed as `(Math.round(x * 1e4) / 1e4 + 0).toFixed(4)` prints
 * it (the fingerprint's definition; stored fingerprints depend on it, character for
 * character), but from the integer count of 1e-4 steps: toFixed's general decimal
 * conversion was the largest cost of fingerprinting a batch. Both agree because
 * r / 1e4 is the double nearest to r·10⁻⁴, and below 10⁸ its distance from r·10⁻⁴
 * (half an ulp, ≤ 1e-8) is far less than the 0.5e-4 that could move toFixed's digit,
 * so toFixed(4) prints r's own digits; for larger (or non-finite) x the definition itself is used.
 */
export function fixed4(x: number): string {
  const bytes = Buffer.allocUnsafe(FIXED4_MOST);
  return bytes.toString("latin1", 0, writeFixed4(bytes, 0, x));
}

/** Writes fixed4(x) as ASCII at `at`; returns where it ends. */
function writeFixed4(bytes: Buffer, at: number, x: number): number {
  const steps = Math.round(x * 1e4);
  const magnitude = Math.abs(steps);
  if (!(magnitude < 1e12)) return at + bytes.write((steps / 1e4 + 0).toFixed(4), at, "latin1");
  // -0 (a value that rounds to zero from below) prints as 0, as `+ 0` makes it in the definition.
  if (steps < 0) bytes[at++] = MINUS;
  const whole = Math.floor(magnitude / 1e4);
  let fraction = magnitude - whole * 1e4;
  at = writeWhole(bytes, at, whole);
  bytes[at] = DOT;
  for (let k = 4; k >= 1; k--) {
    bytes[at + k] = ZERO + (fraction % 10);
    fraction = Math.floor(fraction / 10);
  }
  return at + 5;
}

/** The decimal digits of a whole number below 10⁸. */
function writeWhole(bytes: Buffer, at: number, whole: number): number {
  let digits = 1;
  for (let rest = whole; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
  for (let k = digits - 1, rest = whole; k >= 0; k--) {
    bytes[at + k] = ZERO + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return at + digits;
}

export function toCrystal(structure: CanonicalStructure): Crystal {
  const [a, b, c] = structure.lattice;
  return {
    lattice: [[...a], [...b], [...c]],
    species: [...structure.species],
    fracCoords: structure.fracCoords.map((f) => [...f]),
  };
}

interface Representative {
  readonly id: number;
  readonly crystal: Crystal;
}

/** `fingerprints`, where given, are the candidates' structureFingerprint values worked out beforehand. */
export async function assignPolymorphs(
  manager: EntityManager,
  candidates: readonly PolymorphCandidate[],
  fingerprints: ReadonlyArray<string | undefined> = candidates.map((c) =>
    c.structure ? structureFingerprint(c.structure) : undefined,
  ),
): Promise<Array<PolymorphPlacement | undefined>> {
  // Distinct (material, fingerprint) pairs, by material: a "material:fingerprint" key per
  // candidate (and per lookup) showed in ingest profiles; the slow path below still uses them.
  const wanted = new Map<number, Set<string>>();
  candidates.forEach((c, i) => {
    const fingerprint = fingerprints[i];
    if (fingerprint === undefined) return;
    let set = wanted.get(c.materialId);
    if (!set) wanted.set(c.materialId, (set = new Set()));
    set.add(fingerprint);
  });
  if (wanted.size === 0) return candidates.map(() => undefined);

  const pairs = [...wanted].flatMap(([materialId, set]) =>
    [...set].map((fingerprint) => ({ materialId, fingerprint })),
  );
  const found = await knownFingerprints(manager, pairs);
  const polymorphOf = (materialId: number, fingerprint: string) => found.get(materialId)?.get(fingerprint);
  const unknown = pairs.filter((p) => polymorphOf(p.materialId, p.fingerprint) === undefined);
  if (unknown.length > 0) {
    await manager.query(`SELECT pg_advisory_xact_lock($1)`, [POLYMORPH_LOCK]);
    // Another writer may have placed some of them while this one waited for the lock.
    const known = new Map<string, number>();
    for (const [materialId, byFingerprint] of await knownFingerprints(manager, unknown)) {
      for (const [fingerprint, id] of byFingerprint) known.set(`${materialId}:${fingerprint}`, id);
    }
    const unknownKeys = unknown.map((p) => `${p.materialId}:${p.fingerprint}`).filter((k) => !known.has(k));
    await placeNewStructures(manager, candidates, fingerprints, unknownKeys, known);
    for (const [key, id] of known) {
      const split = key.indexOf(":");
      setPolymorphOf(found, Number(key.slice(0, split)), key.slice(split + 1), id);
    }
  }
  return candidates.map((c, i) => {
    const fingerprint = fingerprints[i];
    if (fingerprint === undefined) return undefined;
    const polymorphId = polymorphOf(c.materialId, fingerprint);
    return polymorphId === undefined ? undefined : { polymorphId, fingerprint };
  });
}

/** The polymorphs of the pairs that have one, by material and fingerprint (locked, see above). */
async function knownFingerprints(
  manager: EntityManager,
  pairs: ReadonlyArray<{ materialId: number; fingerprint: string }>,
): Promise<Map<number, Map<string, number>>> {
  const rows: Array<{ material_id: number; fingerprint: string; polymorph_id: number }> = await manager.query(
    `SELECT f.material_id, f.fingerprint, f.polymorph_id
     FROM polymorph_fingerprints f
     JOIN unnest($1::int[], $2::text[]) AS t(material_id, fingerprint)
       ON f.material_id = t.material_id AND f.fingerprint = t.fingerprint
     JOIN polymorphs p ON p.id = f.polymorph_id
     FOR KEY SHARE OF p`,
    [pairs.map((p) => p.materialId), pairs.map((p) => p.fingerprint)],
  );
  const found = new Map<number, Map<string, number>>();
  for (const r of rows) setPolymorphOf(found, r.material_id, r.fingerprint, r.polymorph_id);
  return found;
}

function setPolymorphOf(
  found: Map<number, Map<string, number>>,
  materialId: number,
  fingerprint: string,
  polymorphId: number,
): void {
  let byFingerprint = found.get(materialId);
  if (!byFingerprint) found.set(materialId, (byFingerprint = new Map()));
  byFingerprint.set(fingerprint, polymorphId);
}

async function placeNewStructures(
  manager: EntityManager,
  candidates: readonly PolymorphCandidate[],
  fingerprints: ReadonlyArray<string | undefined>,
  unknownKeys: readonly string[],
  known: Map<string, number>,
): Promise<void> {
  if (unknownKeys.length === 0) return;
  const pending = new Set(unknownKeys);
  const firstCandidate = new Map<string, PolymorphCandidate>();
  candidates.forEach((c, i) => {
    const k = `${c.materialId}:${fingerprints[i]}`;
    if (pending.has(k) && !firstCandidate.has(k)) firstCandidate.set(k, c);
  });
  const materialIds = [...new Set([...firstCandidate.values()].map((c) => c.materialId))];
  const repRows: Array<{
    id: number;
    material_id: number;
    lattice: number[];
    frac_coords: number[];
    species: string[];
  }> = await manager.query(
    `SELECT id, material_id, lattice, frac_coords, species FROM polymorphs WHERE material_id = ANY($1::int[])
     ORDER BY id FOR KEY SHARE`,
    [materialIds],
  );
  const reps = new Map<number, Representative[]>();
  for (const r of repRows) {
    const list = reps.get(r.material_id) ?? [];
    list.push({ id: r.id, crystal: crystalFromRow(r.lattice, r.frac_coords, r.species) });
    reps.set(r.material_id, list);
  }

  // New polymorphs get ids drawn from the sequence up front, so one INSERT creates them all.
  const founded: Array<{ key: string; candidate: PolymorphCandidate; crystal: Crystal }> = [];
  const provisional = new Map<string, number>(); // key -> index into founded, for the ones not yet numbered
  for (const [key, candidate] of firstCandidate) {
    const crystal = toCrystal(candidate.structure as CanonicalStructure);
    const list = reps.get(candidate.materialId) ?? [];
    const match = list.find((rep) => structuresMatch(rep.crystal, crystal));
    if (match) {
      if (match.id >= 0) known.set(key, match.id);
      else provisional.set(key, -match.id - 1);
      continue;
    }
    const index = founded.length;
    founded.push({ key, candidate, crystal });
    provisional.set(key, index);
    list.push({ id: -index - 1, crystal });
    reps.set(candidate.materialId, list);
  }

  if (founded.length > 0) {
    const ids: Array<{ id: number }> = await manager.query(
      `SELECT nextval(pg_get_serial_sequence('polymorphs', 'id'))::int AS id FROM generate_series(1, $1::int)`,
      [founded.length],
    );
    await manager.query(
      `INSERT INTO polymorphs (id, material_id, lattice, frac_coords, species, spacegroup_number, spacegroup_symbol)
       SELECT t.id, t.material_id, t.lattice, t.frac_coords, t.species, t.spacegroup_number, t.spacegroup_symbol
       FROM jsonb_to_recordset($1::jsonb) AS t(id int, material_id int, lattice float8[], frac_coords float8[],
                                               species text[], spacegroup_number smallint, spacegroup_symbol text)`,
      [
        JSON.stringify(
          founded.map((f, i) => ({
            id: ids[i]?.id,
            material_id: f.candidate.materialId,
            lattice: f.crystal.lattice.flat(),
            frac_coords: f.crystal.fracCoords.flat(),
            species: f.crystal.species,
            spacegroup_number: f.candidate.spacegroupNumber ?? null,
            spacegroup_symbol: f.candidate.spacegroupSymbol ?? null,
          })),
        ),
      ],
    );
    for (const [key, index] of provisional) {
      const id = ids[index]?.id;
      if (id !== undefined) known.set(key, id);
    }
  }

  const newFingerprints = unknownKeys
    .filter((k) => known.has(k))
    .map((k) => {
      const split = k.indexOf(":");
      return { material_id: Number(k.slice(0, split)), fingerprint: k.slice(split + 1), polymorph_id: known.get(k) };
    });
  await manager.query(
    `INSERT INTO polymorph_fingerprints (material_id, fingerprint, polymorph_id)
     SELECT t.material_id, t.fingerprint, t.polymorph_id
     FROM unnest($1::int[], $2::text[], $3::int[]) AS t(material_id, fingerprint, polymorph_id)
     ON CONFLICT DO NOTHING`,
    [
      newFingerprints.map((f) => f.material_id),
      newFingerprints.map((f) => f.fingerprint),
      newFingerprints.map((f) => f.polymorph_id),
    ],
  );
}

function crystalFromRow(lattice: number[], fracCoords: number[], species: string[]): Crystal {
  return {
    lattice: [lattice.slice(0, 3), lattice.slice(3, 6), lattice.slice(6, 9)],
    species,
    fracCoords: species.map((_, i) => fracCoords.slice(3 * i, 3 * i + 3)),
  };
}
