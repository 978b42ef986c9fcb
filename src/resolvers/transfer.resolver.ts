import { GraphQLJSON } from "graphql-scalars";
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { PropertyKey } from "../domain/property-key";
import { Source } from "../domain/source";
import { NotFoundError } from "../errors";
import type { JobRecord } from "../jobs/job-record";
import { transferJobInput } from "../services/transfer-jobs.service";
import { TransferReportStore, type TransferReportRecord } from "../services/transfer-report.service";
import { requireAdmin, requireJobs, type GraphQLContext } from "../schema/context";
import { JobType } from "../schema/job.type";
import { ModelKindEnum } from "../schema/model.type";
import { TransferReportType } from "../schema/transfer.type";
import { parseId } from "./material.resolver";

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

function toReportType(r: TransferReportRecord): TransferReportType {
  return {
    id: r.id,
    key: r.key as PropertyKey,
    unit: r.report.unit,
    model: r.modelKind as ModelKindEnum,
    trainSources: r.trainSources as Source[],
    testSource: r.testSource as Source,
    excludedOverlap: r.report.excludedOverlap,
    rowsBySource: r.report.rowsBySource,
    pairs: r.report.pairs.map((p) => ({
      trainSources: p.trainSources as Source[],
      testSource: p.testSource as Source,
      trainRows: p.trainRows,
      testRows: p.testRows,
      // JSON keeps no NaN: an undefined R² (constant test values) comes back as null.
      mae: finite(p.mae ?? NaN),
      rmse: finite(p.rmse ?? NaN),
      r2: finite(p.r2 ?? NaN),
    })),
    parityPlotSvg: r.paritySvg,
    report: r.report as unknown as Record<string, unknown>,
    jobId: r.jobId,
    createdAt: r.createdAt,
  };
}

@Resolver(() => TransferReportType)
export class TransferResolver {
  @Mutation(() => JobType, {
    description:
      "Trains on the train sources' values of a property and tests on the test source's compositions they lack, as a job " +
      "(token required): MAE, RMSE, R² per pair and a parity plot, stored as a TransferReport (the job's result names it)",
  })
  async transferExperiment(
    @Arg("key", () => PropertyKey) key: PropertyKey,
    @Arg("trainSources", () => [Source]) trainSources: Source[],
    @Arg("testSource", () => Source) testSource: Source,
    @Ctx() ctx: GraphQLContext,
    @Arg("model", () => ModelKindEnum, { nullable: true, defaultValue: ModelKindEnum.GBDT })
    model?: ModelKindEnum | null,
    @Arg("params", () => GraphQLJSON, { nullable: true, description: "Model hyper-parameters" }) params?: unknown,
  ): Promise<JobRecord> {
    const client = requireAdmin(ctx);
    const jobs = requireJobs(ctx);
    const input = await transferJobInput(ctx.dataSource, {
      key,
      trainSources,
      testSource,
      model: model ?? null,
      params,
    });
    const { job } = await jobs.submit("ml.transfer", { ...input }, { client });
    return job;
  }

  @Query(() => [TransferReportType], { description: "Stored transfer experiments, newest first" })
  async transferReports(
    @Ctx() ctx: GraphQLContext,
    @Arg("key", () => PropertyKey, { nullable: true }) key?: PropertyKey | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first?: number,
  ): Promise<TransferReportType[]> {
    const rows = await new TransferReportStore(ctx.dataSource).list({
      key: key ?? null,
      first: Math.min(first ?? 20, ctx.config.maxPageSize),
    });
    return rows.map(toReportType);
  }

  @Query(() => TransferReportType, { nullable: true })
  async transferReport(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<TransferReportType> {
    const row = await new TransferReportStore(ctx.dataSource).byId(parseId(id, "transfer report"));
    if (!row) throw new NotFoundError(`no transfer report with id ${id}`);
    return toReportType(row);
  }
}
