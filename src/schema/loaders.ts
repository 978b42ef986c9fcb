import DataLoader from "dataloader";
import type { PropertyKey } from "../domain/property-key";
import type { Source } from "../domain/source";
import type { MaterialReadService } from "../services/material-read.service";
import type { EntryRecord, MaterialRecord, PropertyRecord } from "../services/records";

/**
 * One set of DataLoaders per request. List fields with arguments get one loader
 * per distinct argument set, so a page of materials asking for the same
 * `properties(keys:)` costs one statement, whatever the page size.
 */
export class Loaders {
  readonly materialById: DataLoader<number, MaterialRecord | null>;
  readonly entryById: DataLoader<number, EntryRecord | null>;
  readonly rawByEntryId: DataLoader<number, unknown>;
  private readonly byArgs = new Map<string, DataLoader<number, unknown[]>>();

  constructor(private readonly reads: MaterialReadService) {
    this.materialById = new DataLoader((ids) => reads.materialsByIds(ids));
    this.entryById = new DataLoader((ids) => reads.entriesByIds(ids));
    this.rawByEntryId = new DataLoader((ids) => reads.rawPayloads(ids));
  }

  entriesOfMaterial(sources: readonly Source[] | null): DataLoader<number, EntryRecord[]> {
    return this.loader(`entries:${key(sources)}`, (ids) => this.reads.entriesByMaterials(ids, sources));
  }

  propertiesOfMaterial(
    keys: readonly PropertyKey[] | null,
    sources: readonly Source[] | null,
  ): DataLoader<number, PropertyRecord[]> {
    return this.loader(`mprops:${key(keys)}:${key(sources)}`, (ids) =>
      this.reads.propertiesByMaterials(ids, keys, sources),
    );
  }

  propertiesOfEntry(keys: readonly PropertyKey[] | null): DataLoader<number, PropertyRecord[]> {
    return this.loader(`eprops:${key(keys)}`, (ids) => this.reads.propertiesByEntries(ids, keys));
  }

  private loader<T>(name: string, batch: (ids: readonly number[]) => Promise<T[][]>): DataLoader<number, T[]> {
    let loader = this.byArgs.get(name) as DataLoader<number, T[]> | undefined;
    if (!loader) {
      loader = new DataLoader<number, T[]>(batch, { maxBatchSize: 1000 });
      this.byArgs.set(name, loader as DataLoader<number, unknown[]>);
    }
    return loader;
  }
}

function key(values: readonly string[] | null): string {
  return values ? [...new Set(values)].sort().join(",") : "*";
}
