import type { DataSource, EntityManager } from "typeorm";
import type { TransferReport } from "./transfer-experiment.service";

/** Stored transfer experiments (`transfer_reports`): the report JSON and its parity plot. */
export interface TransferReportRecord {
  readonly id: number;
  readonly key: string;
  readonly trainSources: string[];
  readonly testSource: string;
  readonly modelKind: string;
  readonly report: TransferReport;
  readonly paritySvg: string;
  readonly jobId: string | null;
  readonly createdAt: Date;
}

const COLUMNS = `id, key, train_sources AS "trainSources", test_source AS "testSource", model_kind AS "modelKind", report,
  parity_svg AS "paritySvg", job_id AS "jobId", created_at AS "createdAt"`;

export class TransferReportStore {
  constructor(private readonly db: DataSource | EntityManager) {}

  async insert(report: TransferReport, svg: string, jobId: string | null): Promise<TransferReportRecord> {
    const [row] = await this.db.query(
      `INSERT INTO transfer_reports (key, train_sources, test_source, model_kind, report, parity_svg, job_id)
       VALUES ($1, $2::text[], $3, $4, $5::jsonb, $6, $7) RETURNING ${COLUMNS}`,
      [report.key, report.trainSources, report.testSource, report.modelKind, JSON.stringify(report), svg, jobId],
    );
    return row as TransferReportRecord;
  }

  async byId(id: number): Promise<TransferReportRecord | null> {
    const [row] = await this.db.query(`SELECT ${COLUMNS} FROM transfer_reports WHERE id = $1`, [id]);
    return (row as TransferReportRecord | undefined) ?? null;
  }

  list(filter: { key?: string | null; first: number }): Promise<TransferReportRecord[]> {
    return filter.key
      ? this.db.query(
          `SELECT ${COLUMNS} FROM transfer_reports WHERE key = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
          [filter.key, filter.first],
        )
      : this.db.query(`SELECT ${COLUMNS} FROM transfer_reports ORDER BY created_at DESC, id DESC LIMIT $1`, [
          filter.first,
        ]);
  }
}
