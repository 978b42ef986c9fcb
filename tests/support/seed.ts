import type { DataSource } from "typeorm";
import { canonicalUnitOf, PropertyKey } from "../../src/domain/property-key";
import { Source } from "../../src/domain/source";
import type { CanonicalEntry } from "../../src/services/canonical-entry";
import { writeEntries } from "../../src/services/entry-writer";

/**
 * A deterministic data set for API tests: materials over a few chemical systems,
 * entries from three sources with bulk moduli and band gaps, one with a structure.
 * Tests compute their expectations from this list, not from frozen numbers.
 */
const METALS = ["Fe", "Ni", "Cu", "Al", "Ti", "Co", "Zn", "Mg"];
const ANIONS = ["O", "S", "N", ""];

export function seedEntries(): CanonicalEntry[] {
  const entries: CanonicalEntry[] = [];
  let n = 0;
  for (const a of METALS) {
    for (const b of METALS) {
      if (a >= b) continue;
      for (const x of ANIONS) {
        for (const [i, counts] of [
          [1, 1, 1],
          [2, 1, 3],
        ].entries()) {
          if (x === "" && i === 1) continue;
          const formula = `${a}${counts[0]}${b}${counts[1]}${x ? `${x}${counts[2]}` : ""}`;
          n += 1;
          const sources =
            n % 3 === 0 ? [Source.AFLOW, Source.MP, Source.OQMD] : n % 2 === 0 ? [Source.MP] : [Source.AFLOW];
          for (const [k, source] of sources.entries()) {
            const bulk = 50 + ((n * 37) % 250) + k * 2.5;
            entries.push({
              source,
              sourceId: `${source.toLowerCase()}-${n}`,
              formula,
              method: source === Source.AFLOW ? "AEL" : "DFT",
              functional: "PBE",
              properties: [
                {
                  key: PropertyKey.BULK_MODULUS_VRH,
                  value: bulk,
                  unit: canonicalUnitOf(PropertyKey.BULK_MODULUS_VRH),
                  method: "VRH",
                },
                { key: PropertyKey.BAND_GAP, value: ((n * 13) % 40) / 10, unit: "eV" },
              ],
            });
          }
        }
      }
    }
  }
  entries.push({
    source: Source.MP,
    sourceId: "mp-13",
    formula: "Fe",
    spacegroupNumber: 229,
    spacegroupSymbol: "Im-3m",
    structure: {
      lattice: [
        [2.87, 0, 0],
        [0, 2.87, 0],
        [0, 0, 2.87],
      ],
      fracCoords: [
        [0, 0, 0],
        [0.5, 0.5, 0.5],
      ],
      species: ["Fe", "Fe"],
    },
    volumeAngstrom3: 2.87 ** 3,
    densityGPerCm3: 7.87,
    raw: { material_id: "mp-13", note: "built for tests" },
    properties: [
      { key: PropertyKey.ELASTIC_TENSOR, values: Array.from({ length: 36 }, (_, i) => i), unit: "GPa" },
      { key: PropertyKey.BULK_MODULUS_VRH, value: 170, unit: "GPa", sourceValue: 1700, sourceUnit: "kbar" },
    ],
  });
  return entries;
}

export async function seed(dataSource: DataSource): Promise<CanonicalEntry[]> {
  const entries = seedEntries();
  await dataSource.transaction((m) => writeEntries(m, entries));
  return entries;
}
