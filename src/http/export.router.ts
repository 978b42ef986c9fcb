import express, { type Request, type Response, type Router } from "express";
import type { DataSource } from "typeorm";
import { InvalidInputError, MatGraphError } from "../errors";
import { log } from "../logger";
import { OptimadeNotImplementedError } from "../optimade/optimade.errors";
import {
  csvHeader,
  csvLine,
  exportBatches,
  jsonLine,
  parseExportQuery,
  type ExportRow,
} from "../services/export.service";
import { STRUCTURE_FORMATS, type StructureFormatName } from "../engine/structure/formats";
import { structureFileBatches, tarMember, TAR_END, type StructureFileItem } from "../services/structure-export.service";

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
function writeChunk(res: Response, chunk: string | Buffer): Promise<void> {
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

/** What one export streams: the rows in batches, and how each batch is written. */
interface ExportStream {
  readonly batches: AsyncGenerator<unknown[], void, undefined>;
  readonly contentType: string;
  readonly fileName: string;
  readonly head?: string;
  readonly tail?: Buffer;
  render(batch: unknown[]): string | Buffer;
}

/** Parses the request and opens the stream; anything thrown here is answered with a clean status. */
type OpenExport = (query: Record<string, unknown>) => ExportStream;

function exportHandler(open: OpenExport) {
  return async (req: Request, res: Response): Promise<void> => {
    let stream: ExportStream;
    let first: IteratorResult<unknown[], void>;
    try {
      stream = open(req.query as Record<string, unknown>);
      // The first batch is read before any header goes out: a bad filter still gets a clean status.
      first = await stream.batches.next();
    } catch (error) {
      if (error instanceof InvalidInputError) return sendError(res, 400, error.code, error.message);
      if (error instanceof OptimadeNotImplementedError) return sendError(res, 501, error.code, error.message);
      log.error(`export ${req.originalUrl} failed`, error);
      return sendError(res, 500, "INTERNAL_SERVER_ERROR", "Internal server error");
    }

    res.status(200);
    res.setHeader("Content-Type", stream.contentType);
    res.setHeader("Content-Disposition", `attachment; filename="${stream.fileName}"`);
    res.setHeader("Cache-Control", "no-store");
    let clientGone = false;
    res.on("close", () => {
      if (!res.writableFinished) clientGone = true;
    });
    try {
      if (stream.head) await writeChunk(res, stream.head);
      let result = first;
      while (!result.done) {
        await writeChunk(res, stream.render(result.value));
        // No query for a client that has left.
        if (clientGone) throw new ClientGoneError("client disconnected");
        result = await stream.batches.next();
      }
      if (stream.tail) await writeChunk(res, stream.tail);
      res.end();
    } catch (error) {
      await stream.batches.return().catch(() => undefined);
      if (error instanceof ClientGoneError || clientGone) return;
      // Headers are gone: breaking the connection is the only way to tell the client the file is incomplete.
      log.error(`export ${req.originalUrl} failed while streaming`, error);
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  };
}

function materialsExport(dataSource: DataSource, format: Format): OpenExport {
  return (query) => {
    const request = parseExportQuery(query);
    const line = format === "csv" ? csvLine : (row: ExportRow) => jsonLine(row, request.keys);
    return {
      batches: exportBatches(dataSource, request),
      contentType: CONTENT_TYPES[format],
      fileName: `materials.${format}`,
      ...(format === "csv" ? { head: csvHeader(request.keys) } : {}),
      render: (batch) => (batch as ExportRow[]).map(line).join(""),
    };
  };
}

function structuresExport(dataSource: DataSource, format: StructureFormatName): OpenExport {
  return (query) => {
    const { filter } = parseExportQuery(query);
    const batches = structureFileBatches(dataSource, filter, format);
    const now = Date.now() / 1000;
    if (format === "poscar") {
      return {
        batches,
        contentType: "application/x-tar",
        fileName: "structures.poscar.tar",
        tail: TAR_END,
        render: (batch) =>
          Buffer.concat((batch as StructureFileItem[]).map((item) => tarMember(`${item.name}.vasp`, item.text, now))),
      };
    }
    return {
      batches,
      contentType: `${STRUCTURE_FORMATS[format].mediaType}; charset=utf-8`,
      fileName: `structures${STRUCTURE_FORMATS[format].extension}`,
      render: (batch) =>
        (batch as StructureFileItem[])
          .map((item) => (item.text.endsWith("\n") ? item.text : `${item.text}\n`))
          .join(""),
    };
  };
}

/** Mount with `app.use("/export", exportRouter(dataSource))`. */
export function exportRouter(dataSource: DataSource): Router {
  const router = express.Router();
  router.get("/materials.csv", exportHandler(materialsExport(dataSource, "csv")));
  router.get("/materials.jsonl", exportHandler(materialsExport(dataSource, "jsonl")));
  for (const format of Object.keys(STRUCTURE_FORMATS) as StructureFormatName[]) {
    router.get(`/structures.${format}`, exportHandler(structuresExport(dataSource, format)));
  }
  return router;
}
