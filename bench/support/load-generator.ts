import http from "node:http";

/**
 * A closed-loop HTTP load generator: `concurrency` clients on keep-alive
 * connections, each sending the next request as soon as the last one answered,
 * for a fixed time. Run in its own process so that it does not share an event
 * loop with the server it measures.
 */
export interface LoadSpec {
  readonly url: string;
  /** POST bodies (JSON), used in turn; or GET paths when `method` is GET. */
  readonly bodies: readonly string[];
  readonly method?: "POST" | "GET";
  readonly concurrency: number;
  readonly durationMs: number;
  readonly warmupMs: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const target = new URL(spec.url);
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  let measuring = false;
  let stopped = false;

  const once = (body: string) =>
    new Promise<boolean>((resolve) => {
      const isGet = spec.method === "GET";
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: isGet ? body : target.pathname,
          method: isGet ? "GET" : "POST",
          headers: isGet ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const ok = res.statusCode === 200 && !Buffer.concat(chunks).toString("utf8").includes('"errors"');
            resolve(ok);
          });
        },
      );
      req.on("error", () => resolve(false));
      if (!isGet) req.write(body);
      req.end();
    });

  const client = async () => {
    while (!stopped) {
      const body = spec.bodies[next++ % spec.bodies.length] as string;
      const start = process.hrtime.bigint();
      const ok = await once(body);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (!measuring) continue;
      if (ok) latencies.push(ms);
      else errors += 1;
    }
  };

  const clients = Array.from({ length: spec.concurrency }, client);
  await new Promise((r) => setTimeout(r, spec.warmupMs));
  measuring = true;
  const started = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, spec.durationMs));
  measuring = false;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  stopped = true;
  await Promise.all(clients);
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    errors,
    requestsPerSecond: latencies.length / seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
  };
}

// As a child process: one LoadSpec as JSON in argv[2], one LoadResult as JSON on stdout.
if (require.main === module) {
  const spec = JSON.parse(process.argv[2] ?? "{}") as LoadSpec;
  runLoad(spec).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
