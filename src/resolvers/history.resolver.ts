import DataLoader from "dataloader";
import { Arg, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { PropertyKey } from "../domain/property-key";
import type { GraphQLContext } from "../schema/context";
import { EntryType } from "../schema/entry.type";
import { PropertyChangeType } from "../schema/history.type";
import { historyOfEntries, type ValueChangeRecord } from "../services/change.service";
import type { EntryRecord } from "../services/records";

const loaders = new WeakMap<GraphQLContext, Map<string, DataLoader<number, ValueChangeRecord[]>>>();

function historyLoader(
  ctx: GraphQLContext,
  keys: readonly PropertyKey[] | null,
): DataLoader<number, ValueChangeRecord[]> {
  let byKeys = loaders.get(ctx);
  if (!byKeys) loaders.set(ctx, (byKeys = new Map()));
  const name = keys ? [...new Set(keys)].sort().join(",") : "*";
  let loader = byKeys.get(name);
  if (!loader) {
    loader = new DataLoader((ids) => historyOfEntries(ctx.dataSource, ids, keys));
    byKeys.set(name, loader);
  }
  return loader;
}

@Resolver(() => EntryType)
export class EntryHistoryResolver {
  @FieldResolver(() => [PropertyChangeType], {
    description: "Values of this entry that re-ingests replaced or removed, newest first, with the run that did it",
  })
  history(
    @Root() entry: EntryRecord,
    @Ctx() ctx: GraphQLContext,
    @Arg("keys", () => [PropertyKey], { nullable: true }) keys?: PropertyKey[] | null,
  ): Promise<ValueChangeRecord[]> {
    return historyLoader(ctx, keys ?? null).load(entry.id);
  }
}
