import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { registerIngestCommands } from "../src/cli/ingest.command";
import { runIngest, StructureFilesAdapter } from "../src/ingest";
import { resetStore } from "./ingest/support/ingest-fixtures";
import { openTestStore, STORE_KIND, type TestStore } from "./support/test-store";

/**
 * Structure files (CIF, POSCAR/CONTCAR, extended XYZ) ingested as USER entries, through
 * the shared pipeline and through `matgraph ingest file`. The files are written here by
 * hand from textbook cells, so the expected lattices, compositions and densities are
 * known independently of the parsers.
 */
const dir = mkdtempSync(path.join(tmpdir(), "matgraph-structure-files-"));
const folder = path.basename(dir);
// Before anything reads (and caches) the configuration: the CLI's embedded store lives here.
process.env["MATGRAPH_DATA_DIR"] = path.join(dir, "pgdata");

// Rutile TiO2 (a = 4.594 Å, c = 2.959 Å), VASP 5 with the species line, fractional.
const RUTILE_POSCAR = `TiO2 rutile
1.0
4.594 0 0
0 4.594 0
0 0 2.959
Ti O
2 4
Direct
0 0 0
0.5 0.5 0.5
0.3053 0.3053 0
0.6947 0.6947 0
0.1947 0.8053 0.5
0.8053 0.1947 0.5
`;

// Two data blocks: rock-salt NaCl (a = 5.64 Å) listed in P1, and CsCl (a = 4.12 Å).
const SALTS_CIF = `data_NaCl
_cell_length_a 5.64
_cell_length_b 5.64
_cell_length_c 5.64
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Na1 Na 0 0 0
Na2 Na 0 0.5 0.5
Na3 Na 0.5 0 0.5
Na4 Na 0.5 0.5 0
Cl1 Cl 0.5 0 0
Cl2 Cl 0 0.5 0
Cl3 Cl 0 0 0.5
Cl4 Cl 0.5 0.5 0.5

data_CsCl
_cell_length_a 4.12
_cell_length_b 4.12
_cell_length_c 4.12
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_atom_site_label
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Cs1 0 0 0
Cl1 0.5 0.5 0.5
`;

// Diamond Si, primitive fcc cell (a = 5.43 Å), Cartesian positions.
const SILICON_XYZ = `2
Lattice="0 2.715 2.715 2.715 0 2.715 2.715 2.715 0" Properties=species:S:1:pos:R:3 pbc="T T T"
Si 0 0 0
Si 1.3575 1.3575 1.3575
`;

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const AMU_G = 1.6605390666e-24;
const CM3_PER_A3 = 1e-24;

describe(`structure files on ${STORE_KIND}`, () => {
  let store: TestStore;
  let good: string[];
  let bad: string[];

  beforeAll(async () => {
    store = await openTestStore();
    mkdirSync(dir, { recursive: true });
    good = [write("POSCAR", RUTILE_POSCAR), write("salts.cif", SALTS_CIF), write("si.extxyz", SILICON_XYZ)];
    bad = [
      write("broken.cif", "data_x\n_cell_length_a 5.64\n_cell_length_b\n"),
      write("notes.txt", "not a structure"),
      path.join(dir, "missing.vasp"),
    ];
  });
  afterAll(async () => {
    await store.close();
  });
  beforeEach(async () => {
    await resetStore(store.dataSource);
  });

  it("lands one USER entry per crystal with its structure and material; bad files are named and skipped", async () => {
    const summary = await runIngest(
      store.dataSource,
      new StructureFilesAdapter([good[0]!, bad[0]!, good[1]!, bad[1]!, good[2]!, bad[2]!]),
    );
    expect(summary).toMatchObject({ status: "succeeded", fetched: 7, inserted: 4, skipped: 3, source: "USER" });
    expect(summary.skippedRecords).toEqual([
      { id: `${folder}/broken.cif`, reason: expect.stringMatching(/invalid CIF at line 3/) },
      { id: `${folder}/notes.txt`, reason: expect.stringMatching(/unknown structure format/) },
      { id: `${folder}/missing.vasp`, reason: expect.stringMatching(/ENOENT/) },
    ]);

    const rows: Array<{
      source: string;
      source_id: string;
      formula: string;
      nsites: number;
      lattice: number[];
      frac_coords: number[];
      species: string[];
      volume: number;
      density: number;
      polymorph_id: number | null;
    }> = await store.dataSource.query(
      `SELECT e.source, e.source_id, m.formula, e.nsites, e.lattice, e.frac_coords, e.species, e.volume, e.density,
              e.polymorph_id
       FROM entries e JOIN materials m ON m.id = e.material_id ORDER BY e.source_id`,
    );
    expect(rows.map((r) => [r.source, r.source_id, r.formula, r.nsites])).toEqual([
      ["USER", `${folder}/POSCAR`, "O2Ti", 6],
      ["USER", `${folder}/salts.cif#1`, "ClNa", 8],
      ["USER", `${folder}/salts.cif#2`, "ClCs", 2],
      ["USER", `${folder}/si.extxyz`, "Si", 2],
    ]);
    for (const r of rows) expect(r.polymorph_id).not.toBeNull();

    const [rutile, nacl, cscl, si] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    expect(rutile.lattice).toEqual([4.594, 0, 0, 0, 4.594, 0, 0, 0, 2.959]);
    expect(rutile.species).toEqual(["Ti", "Ti", "O", "O", "O", "O"]);
    expect(rutile.volume).toBeCloseTo(4.594 * 4.594 * 2.959, 9);
    // Cartesian (1.3575, 1.3575, 1.3575) in the primitive fcc cell is (¼, ¼, ¼) fractional.
    for (const [k, x] of si.frac_coords.slice(3).entries())
      expect(x, `Si site 2, coordinate ${k}`).toBeCloseTo(0.25, 9);
    expect(si.volume).toBeCloseTo(5.43 ** 3 / 4, 6);
    // Densities from the cell: rock salt is 2.16-2.17 g/cm³, CsCl 3.99 g/cm³ (handbook values).
    const density = (massAmu: number, volumeA3: number) => (massAmu * AMU_G) / (volumeA3 * CM3_PER_A3);
    expect(nacl.density).toBeCloseTo(density(4 * (22.98977 + 35.453), 5.64 ** 3), 2);
    expect(nacl.density).toBeGreaterThan(2.15);
    expect(nacl.density).toBeLessThan(2.18);
    expect(cscl.density).toBeCloseTo(3.99, 1);
  });

  it("re-ingesting the same files changes nothing; an edited file updates its entry", async () => {
    await runIngest(store.dataSource, new StructureFilesAdapter(good));
    const again = await runIngest(store.dataSource, new StructureFilesAdapter(good));
    expect(again).toMatchObject({ fetched: 4, inserted: 0, updated: 0, unchanged: 4, skipped: 0 });

    const edited = write("POSCAR-strained", RUTILE_POSCAR.replace("0 0 2.959", "0 0 3.000"));
    await runIngest(store.dataSource, new StructureFilesAdapter([edited]));
    write("POSCAR-strained", RUTILE_POSCAR.replace("0 0 2.959", "0 0 3.100"));
    const changed = await runIngest(store.dataSource, new StructureFilesAdapter([edited]));
    expect(changed).toMatchObject({ fetched: 1, inserted: 0, updated: 1 });
    const [row] = await store.dataSource.query(`SELECT lattice FROM entries WHERE source_id = $1`, [
      `${folder}/POSCAR-strained`,
    ]);
    expect(row.lattice[8]).toBe(3.1);
  });

  it("`matgraph ingest file <paths...>` (and --file) prints the summary naming each bad file", async () => {
    // The CLI opens its own store: the embedded one under `dir`, or DATABASE_URL's database.
    const { stdout } = await runCli(["ingest", "file", good[0]!, bad[0]!, "--file", good[2]!]);
    expect(stdout).toMatch(/ingested USER from files: /);
    expect(stdout).toMatch(/inserted:\s+2/);
    expect(stdout).toMatch(/skipped:\s+1/);
    expect(stdout).toContain(`${folder}/broken.cif: invalid CIF at line 3`);
    await expect(runCli(["ingest", "file"])).rejects.toThrow(/needs at least one structure file/);
    await expect(runCli(["ingest", "oqmd", good[0]!])).rejects.toThrow(/only `ingest file` takes paths/);
  });
});

async function runCli(args: string[]): Promise<{ stdout: string }> {
  const program = new Command("matgraph").exitOverride();
  registerIngestCommands(program);
  let stdout = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    await program.parseAsync(args, { from: "user" });
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout };
}
