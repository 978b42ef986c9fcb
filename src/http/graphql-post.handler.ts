import type http from "node:http";
import { HeaderMap, type ApolloServer, type BaseContext } from "@apollo/server";
import { log } from "../logger";
import { JSON_CONTENT_TYPE, type QueryFastPath } from "./query-fast-path";

/**
 * The GraphQL API's hot path: `POST /graphql` with a plain JSON body, handed to
 * Apollo straight from node's HTTP server. Express's router, body parser and
 * `res.send` (which hashes every response for an ETag nobody revalidates on a
 * POST) cost as much per request as a `material(id)` query itself. Everything
 * else, including compressed or non-JSON bodies, GET, preflights and the
 * explorer, still goes through the Express app. A query Apollo has already
 * validated may be answered before Apollo sees it (query-fast-path.ts).
 */
export type NodeMiddleware = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  next: (error?: unknown) => void,
) => void;

export interface GraphQLPostOptions<TContext extends BaseContext> {
  readonly path: string;
  readonly maxBodyBytes: number;
  /** CORS headers, the same middleware the Express route uses. */
  readonly cors: NodeMiddleware;
  readonly context: (req: http.IncomingMessage) => Promise<TContext>;
  /** Answers the plain successful queries before Apollo sees them; absent, Apollo answers everything. */
  readonly fastPath?: QueryFastPath<TContext>;
}

export interface GraphQLPostHandler {
  /** True for the requests this handler answers; the rest belong to the Express app. */
  accepts(req: http.IncomingMessage): boolean;
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readJsonBody(req: http.IncomingMessage, maxBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (declared > maxBytes) {
      reject(new BodyError(413, `request body of ${declared} bytes exceeds the limit of ${maxBytes}`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new BodyError(413, `request body exceeds the limit of ${maxBytes} bytes`));
        req.removeAllListeners("data");
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    let isEnded = false;
    req.on("error", reject);
    // Before `end`, the client went away mid-body; after it, `close` is routine (no error object to build).
    req.on("close", () => {
      if (!isEnded) reject(new BodyError(400, "request body ended early"));
    });
    req.on("end", () => {
      isEnded = true;
      try {
        resolve(JSON.parse(Buffer.concat(chunks, size).toString("utf8")));
      } catch (error) {
        reject(new BodyError(400, `request body is not valid JSON: ${(error as Error).message}`));
      }
    });
  });
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function graphqlPostHandler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  options: GraphQLPostOptions<TContext>,
): GraphQLPostHandler {
  const { path } = options;

  async function respond(req: http.IncomingMessage, res: http.ServerResponse, search: string): Promise<void> {
    const body = await readJsonBody(req, options.maxBodyBytes);
    const answer = options.fastPath
      ? await options.fastPath.answer(body, req.headers, () => options.context(req))
      : null;
    if (answer !== null) {
      res.statusCode = 200;
      res.setHeader("content-type", JSON_CONTENT_TYPE);
      res.setHeader("content-length", Buffer.byteLength(answer));
      res.end(answer);
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: "POST", headers, search, body },
      context: () => options.context(req),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === "complete") {
      res.setHeader("content-length", Buffer.byteLength(response.body.string));
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  return {
    accepts(req) {
      if (req.method !== "POST") return false;
      const url = req.url ?? "";
      if (url !== path && !url.startsWith(`${path}?`)) return false;
      const type = req.headers["content-type"]?.toLowerCase() ?? "";
      const encoding = req.headers["content-encoding"]?.toLowerCase() ?? "identity";
      return /^application\/json\s*(;\s*charset=utf-8\s*)?$/.test(type) && encoding === "identity";
    },
    handle(req, res) {
      const url = req.url ?? "";
      const search = url.length > path.length ? url.slice(path.length) : "";
      options.cors(req, res, (corsError) => {
        if (corsError) {
          sendText(res, 500, "CORS check failed");
          return;
        }
        respond(req, res, search).catch((error: unknown) => {
          if (error instanceof BodyError) {
            sendText(res, error.status, error.message);
            return;
          }
          log.error("graphql request failed outside Apollo", error);
          sendText(res, 500, "internal error");
        });
      });
    },
  };
}
