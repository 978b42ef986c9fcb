import express, { type Request, type Response, type Router } from "express";
import type { DataSource } from "typeorm";
import { InvalidInputError, MatGraphError } from "../errors";
import { log } from "../logger";
import { OptimadeNotImplementedError } from "../optimade/optimade.errors";
import { csvHeader, csvLine, exportBatches, jsonLine, parseExportQuery, type ExportRow } from "../services/export.service";

/**
 * GET /export/materials.csv and /export/materials.jsonl: the materials filter
 * as query parameters, the rows streamed batch by batch. A batch is written
 * only once the previous one has drained (res.write returned true or 'drain'
 * fired), so a slow client slows the export instead of filling memory; a client
 * that goes away stops it.
 */
type Format = "csv" | "jsonl";

const CONTENT_TYPES: Readonly<Record<Format, string>> = {
  csv: "text/csv; charset=utf-8; header=present",
  jsonl: "application/x-ndjson; charset=utf-8",
};

class ClientGoneError extends MatGraphError {
  readonly code = "CLIENT_GONE";
}

/** Resolves once `chunk` is handed to the socket, or rejects if the client disconnects first. */
function writeChunk(res: Response, chunk: string): Promise<void> {
  if (res.destroyed) return Promise.reject(new ClientGoneError("client disconnected"));
  if (res.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(new ClientGoneError("client disconnected"));
    };
    const cleanup = () => {
      res.off("drain", onDrain);
      res.off("close", onClose);
    };
    res.on("drain", onDrain);
    res.on("close", onClose);
  });
}

function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

function exportHandler(dataSource: DataSource, format: Format) {
  return async (req: Request, res: Response): Promise<void> => {
    let batches: AsyncGenerator<ExportRow[], void, undefined>;
    let first: IteratorResult<ExportRow[], void>;
    let keys: ReturnType<typeof parseExportQuery>["keys"];
    try {
      const request = parseExportQuery(req.query as Record<string, unknown>);
      keys = request.keys;
      batches = exportBatches(dataSource, request);
      // The first batch is read before any header goes out: a bad filter still gets a clean status.
      first = await batches.next();
    } catch (error) {
      if (error instanceof InvalidInputError) return sendError(res, 400, error.code, error.message);
      if (error instanceof OptimadeNotImplementedError) return sendError(res, 501, error.code, error.message);
      log.error(`export ${req.originalUrl} failed`, error);
      return sendError(res, 500, "INTERNAL_SERVER_ERROR", "Internal server error");
    }

    res.status(200);
    res.setHeader("Content-Type", CONTENT_TYPES[format]);
    res.setHeader("Content-Disposition", `attachment; filename="materials.${format}"`);
    res.setHeader("Cache-Control", "no-store");
    const line = format === "csv" ? csvLine : (row: ExportRow) => jsonLine(row, keys);
    let clientGone = false;
    res.on("close", () => {
      if (!res.writableFinished) clientGone = true;
    });
    try {
      if (format === "csv") await writeChunk(res, csvHeader(keys));
      let result = first;
      while (!result.done) {
        await writeChunk(res, result.value.map(line).join(""));
        // No query for a client that has left.
        if (clientGone) throw new ClientGoneError("client disconnected");
        result = await batches.next();
      }
      res.end();
    } catch (error) {
      await batches.return().catch(() => undefined);
      if (error instanceof ClientGoneError || clientGone) return;
      // Headers are gone: breaking the connection is the only way to tell the client the file is incomplete.
      log.error(`export ${req.originalUrl} failed while streaming`, error);
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  };
}

/** Mount with `app.use("/export", exportRouter(dataSource))`. */
export function exportRouter(dataSource: DataSource): Router {
  const router = express.Router();
  router.get("/materials.csv", exportHandler(dataSource, "csv"));
  router.get("/materials.jsonl", exportHandler(dataSource, "jsonl"));
  return router;
}
