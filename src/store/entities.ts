import { EntryEntity } from "./entry.entity";
import { IngestRunEntity } from "./ingest-run.entity";
import { MaterialEntity } from "./material.entity";
import { PropertyEntity } from "./property.entity";

export const ENTITIES = [MaterialEntity, EntryEntity, PropertyEntity, IngestRunEntity];
export { EntryEntity, IngestRunEntity, MaterialEntity, PropertyEntity };
