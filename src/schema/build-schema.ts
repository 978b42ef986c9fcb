import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { createPubSub } from "@graphql-yoga/subscription";
import { buildSchema } from "type-graphql";
import { EntryResolver, PropertyValueResolver } from "../resolvers/entry.resolver";
import { MaterialConnectionResolver, MaterialResolver } from "../resolvers/material.resolver";
import { SourceResolver } from "../resolvers/source.resolver";
import { MaterialPolymorphResolver, PolymorphResolver } from "../resolvers/polymorph.resolver";
import { EntryHistoryResolver } from "../resolvers/history.resolver";
import { ChangeResolver } from "../resolvers/change.resolver";
import { IngestResolver } from "../resolvers/ingest.resolver";
import { JobResolver, MaterialSimulationResolver } from "../resolvers/job.resolver";
import { MaterialDescriptorResolver } from "../resolvers/descriptor.resolver";
import { MaterialPredictionResolver, PredictionResolver } from "../resolvers/prediction.resolver";
import { ModelResolver } from "../resolvers/model.resolver";
import { TransferResolver } from "../resolvers/transfer.resolver";
import { MetricsResolver } from "../resolvers/metrics.resolver";
import { resolveListFieldsDirectly } from "../resolvers/direct-list-fields";
import "./enums";

let schema: Promise<GraphQLSchema> | undefined;

/** The executable schema; built once per process (type-graphql's metadata is global). */
export function buildMatGraphSchema(): Promise<GraphQLSchema> {
  schema ??= buildSchema({
    resolvers: [
      MaterialResolver,
      MaterialConnectionResolver,
      EntryResolver,
      PropertyValueResolver,
      SourceResolver,
      MaterialPolymorphResolver,
      PolymorphResolver,
      EntryHistoryResolver,
      ChangeResolver,
      IngestResolver,
      JobResolver,
      MaterialSimulationResolver,
      MaterialDescriptorResolver,
      MaterialPredictionResolver,
      PredictionResolver,
      ModelResolver,
      TransferResolver,
      MetricsResolver,
    ],
    validate: false,
    emitSchemaFile: false,
    // Subscriptions bring their own streams (JobWatcher); type-graphql still wants a PubSub to exist.
    pubSub: createPubSub(),
  }).then((built) => {
    resolveListFieldsDirectly(built);
    return built;
  });
  return schema;
}
