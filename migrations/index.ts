import { InitialSchema1764000000000 } from "./1764000000000-initial-schema";
import { IngestHistoryPolymorphs1764100000000 } from "./1764100000000-ingest-history-polymorphs";
import { Jobs1764200000000 } from "./1764200000000-jobs";
import { DescriptorsModelsTransfer1764300000000 } from "./1764300000000-descriptors-models-transfer";
import { PropertyEntryMaterialKey1764400000000 } from "./1764400000000-property-entry-material-key";
import { ModelDefaultHistory1764600000000 } from "./1764600000000-model-default-history";
import { EntryRawAsSent1764700000000 } from "./1764700000000-entry-raw-as-sent";
import { PropertyIndexesByEntry1764800000000 } from "./1764800000000-property-indexes-by-entry";
import { IngestKeysByteOrder1764900000000 } from "./1764900000000-ingest-keys-byte-order";

/** Every migration, oldest first. Listed explicitly so that compiled and test builds load the same set. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  IngestHistoryPolymorphs1764100000000,
  Jobs1764200000000,
  DescriptorsModelsTransfer1764300000000,
  PropertyEntryMaterialKey1764400000000,
  ModelDefaultHistory1764600000000,
  EntryRawAsSent1764700000000,
  PropertyIndexesByEntry1764800000000,
  IngestKeysByteOrder1764900000000,
];
