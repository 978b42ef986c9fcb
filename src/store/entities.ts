import { EntryEntity } from "./entry.entity";
import { IngestRunEntity } from "./ingest-run.entity";
import { MaterialEntity } from "./material.entity";
import { PropertyEntity } from "./property.entity";
import { PolymorphEntity } from "./polymorph.entity";
import { PropertyHistoryEntity } from "./property-history.entity";
import { DescriptorCacheEntity } from "./descriptor-cache.entity";
import { ModelDefaultChangeEntity, ModelEntity } from "./model.entity";
import { TransferReportEntity } from "./transfer-report.entity";

export const ENTITIES = [
  MaterialEntity,
  EntryEntity,
  PropertyEntity,
  IngestRunEntity,
  PolymorphEntity,
  PropertyHistoryEntity,
  DescriptorCacheEntity,
  ModelEntity,
  ModelDefaultChangeEntity,
  TransferReportEntity,
];
export { EntryEntity, IngestRunEntity, MaterialEntity, PropertyEntity };
export { PolymorphEntity, PropertyHistoryEntity };
export { DescriptorCacheEntity, ModelDefaultChangeEntity, ModelEntity, TransferReportEntity };
