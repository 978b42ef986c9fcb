/**
 * Progress on stderr: a redrawn bar (records, rate, ETA) on a terminal, a plain log
 * line every `logEveryMs` otherwise. Rates are records per second.
 */
export interface ProgressSnapshot {
  readonly fetched: number;
  readonly total?: number;
  readonly inserted: number;
  readonly updated: number;
  readonly skipped: number;
}

export class ProgressReporter {
  private readonly startedAt = Date.now();
  private lastLogAt = 0;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly isTty: boolean = Boolean(process.stderr.isTTY),
    private readonly logEveryMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  update(p: ProgressSnapshot): void {
    const elapsedS = Math.max(1e-3, (this.now() - this.startedAt) / 1000);
    const rate = p.fetched / elapsedS;
    const eta = p.total && rate > 0 ? Math.max(0, (p.total - p.fetched) / rate) : undefined;
    const counts =
      `${p.fetched}${p.total ? `/${p.total}` : ""} records, ${rate.toFixed(0)}/s` +
      `${eta !== undefined ? `, ETA ${formatDuration(eta)}` : ""}` +
      ` (inserted ${p.inserted}, updated ${p.updated}, skipped ${p.skipped})`;
    if (this.isTty) {
      const width = 24;
      const filled = p.total ? Math.min(width, Math.round((p.fetched / p.total) * width)) : 0;
      const bar = p.total ? `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ` : "";
      this.out.write(`\r\x1b[2K${this.label} ${bar}${counts}`);
      this.drawn = true;
    } else if (this.now() - this.lastLogAt >= this.logEveryMs) {
      this.lastLogAt = this.now();
      this.out.write(`${new Date(this.now()).toISOString()} INFO ${this.label}: ${counts}\n`);
    }
  }

  done(): void {
    if (this.drawn) this.out.write("\n");
    this.drawn = false;
  }
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
