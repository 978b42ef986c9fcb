import type http from "node:http";
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { getOperationAST, type DocumentNode, type OperationDefinitionNode } from "graphql";
import type { CompiledQueries } from "./compiled-queries";

/**
 * The hot path of the read API: a POSTed query whose text Apollo has already
 * parsed and validated is run compiled and answered here, without Apollo's
 * request pipeline (plugin hooks, hashing, header maps, promise chains and the
 * garbage they leave), which took about a third of the CPU of a 50-material
 * page request once the query itself ran compiled.
 *
 * Only the plain successful case is answered here: a query operation, checked
 * by the same rules Apollo's plugins apply before execution (`mayRun`), that
 * resolves with data and no errors. Anything else returns null and the request
 * goes to Apollo as it is, which answers it, errors and all, as it always has;
 * so a query that fails is run a second time there, and every error a client
 * sees is Apollo's. The answer is byte for byte what Apollo sends for the same
 * result: the same JSON, the same trailing newline, the same content type.
 */
export interface QueryFastPathOptions<TContext> {
  readonly compiled: CompiledQueries;
  /**
   * The checks Apollo's plugins make before execution (private reads, query
   * limits). False leaves the request to Apollo, whose plugin then refuses it
   * with the proper error. A plugin added later that must see every query has
   * to be mirrored here.
   */
  readonly mayRun: (
    context: TContext,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Readonly<Record<string, unknown>>,
  ) => boolean;
  /**
   * Characters of query text remembered as valid (default 2 million), the oldest
   * forgotten first. Bodies may hold 2 MB of query each: a count alone would not
   * bound the memory the parsed documents keep alive.
   */
  readonly maxQueryChars?: number;
}

/** The content type Apollo answers a single result with when the client accepts JSON this plainly. */
export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";
const PLAIN_ACCEPT = new Set([undefined, "", "*/*", "application/json"]);
const REQUEST_KEYS = new Set(["query", "variables", "operationName"]);

type JsonRecord = Record<string, unknown>;
const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export class QueryFastPath<TContext extends BaseContext> {
  /** Query text → the document Apollo parsed and validated for it. */
  private readonly validated = new Map<string, DocumentNode>();
  private validatedChars = 0;
  private readonly maxQueryChars: number;

  constructor(private readonly options: QueryFastPathOptions<TContext>) {
    this.maxQueryChars = options.maxQueryChars ?? 2_000_000;
  }

  /** Remembers each document that passed Apollo's validation (operations are resolved only after it). */
  plugin(): ApolloServerPlugin<TContext> {
    const remember = (source: string, document: DocumentNode) => {
      if (this.validated.has(source) || source.length > this.maxQueryChars) return;
      for (const oldest of this.validated.keys()) {
        if (this.validatedChars + source.length <= this.maxQueryChars) break;
        this.validated.delete(oldest);
        this.validatedChars -= oldest.length;
      }
      this.validated.set(source, document);
      this.validatedChars += source.length;
    };
    return {
      async requestDidStart() {
        return {
          async didResolveOperation({ source, document }) {
            remember(source, document);
          },
        };
      },
    };
  }

  /** The response body for a request answered here, or null to hand it to Apollo. */
  async answer(
    body: unknown,
    headers: http.IncomingHttpHeaders,
    context: () => Promise<TContext>,
  ): Promise<string | null> {
    if (!isRecord(body) || !PLAIN_ACCEPT.has(headers.accept)) return null;
    for (const key in body) if (!REQUEST_KEYS.has(key)) return null;
    const { query, variables, operationName } = body;
    if (typeof query !== "string") return null;
    if (variables != null && !isRecord(variables)) return null;
    if (operationName != null && typeof operationName !== "string") return null;
    const document = this.validated.get(query);
    if (!document) return null;
    const operation = getOperationAST(document, operationName ?? undefined);
    if (!operation || operation.operation !== "query") return null;

    try {
      const contextValue = await context();
      const variableValues = variables ?? {};
      if (!this.options.mayRun(contextValue, document, operation, variableValues)) return null;
      const running = this.options.compiled.run(document, operation, contextValue, variableValues);
      if (!running) return null;
      const result = await running;
      // Apollo writes `errors` even when empty, and formats each one: none of that happens here.
      if (result.errors !== undefined || result.extensions !== undefined || result.data == null) return null;
      return `${this.options.compiled.stringify(document, operation, { data: result.data })}\n`;
    } catch {
      // A context that cannot be built, say: Apollo reports that in its own way.
      return null;
    }
  }
}
