import { EntryEntity } from "./entry.entity";
import { IngestRunEntity } from "./ingest-run.entity";
import { MaterialEntity } from "./material.entity";
import { PropertyEntity } from "./property.entity";
import { PolymorphEntity } from "./polymorph.entity";
import { PropertyHistoryEntity } from "./property-history.entity";

export const ENTITIES = [MaterialEntity, EntryEntity, PropertyEntity, IngestRunEntity, PolymorphEntity, PropertyHistoryEntity];
export { EntryEntity, IngestRunEntity, MaterialEntity, PropertyEntity };
export { PolymorphEntity, PropertyHistoryEntity };
