import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { expressMiddleware } from "@as-integrations/express5";
import cors from "cors";
import express from "express";
import { GraphQLError } from "graphql";
import type { DataSource } from "typeorm";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Config } from "../config";
import { log } from "../logger";
import { buildMatGraphSchema } from "../schema/build-schema";
import {
  canRead,
  createContext,
  hasReaderAccess,
  PRIVATE_READS_MESSAGE,
  type GraphQLContext,
  type Platform,
} from "../schema/context";
import { createErrorFormatter } from "../schema/format-error";
import { queryLimitError, queryLimitsPlugin } from "../schema/query-limits";
import { CompiledQueries } from "./compiled-queries";
import { exportRouter } from "./export.router";
import { graphqlPostHandler } from "./graphql-post.handler";
import { jitGateway } from "./jit.gateway";
import { QueryFastPath } from "./query-fast-path";
import { optimadeRouter } from "./optimade.router";
import { webRouter } from "./web.router";

const GRAPHQL_MAX_BODY = "2mb";
const GRAPHQL_MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface HttpServerOptions {
  /**
   * Queries run compiled by graphql-jit, and plain successful ones skip Apollo's
   * pipeline (default). Off, every request takes Apollo's usual graphql-js path:
   * the reference the compiled path is tested against.
   */
  readonly compiledQueries?: boolean;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly httpServer: http.Server;
  stop(): Promise<void>;
}

/**
 * The HTTP face of MatGraph: GraphQL at /graphql over HTTP (with the explorer
 * page on GET from a browser) and over WebSocket (graphql-ws, for subscriptions),
 * /health for load balancers.
 */
export async function startHttpServer(
  dataSource: DataSource,
  config: Config,
  platform: Platform = {},
  options: HttpServerOptions = {},
): Promise<RunningServer> {
  const app = express();
  app.disable("x-powered-by");
  // Requests are routed once Apollo has started (below): JSON POSTs to /graphql skip Express.
  const httpServer = http.createServer();
  const schema = await buildMatGraphSchema();

  const wsServer = new WebSocketServer({ server: httpServer, path: "/graphql" });
  const wsCleanup = useServer(
    {
      schema,
      // A private server refuses the connection itself (4403 Forbidden) rather than each subscription.
      onConnect: (ctx) => {
        const params = ctx.connectionParams ?? {};
        return hasReaderAccess(
          config,
          typeof params["authorization"] === "string" ? params["authorization"] : undefined,
        );
      },
      context: (ctx) => {
        const params = ctx.connectionParams ?? {};
        const auth = typeof params["authorization"] === "string" ? params["authorization"] : undefined;
        return createContext(dataSource, config, auth, platform);
      },
    },
    wsServer,
  );

  const limits = { maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost };
  const compiled =
    options.compiledQueries === false
      ? null
      : new CompiledQueries(schema, {
          onCompileFailure: (operation, reason) =>
            log.warn(
              `graphql-jit cannot compile operation ${operation ?? "(anonymous)"}; graphql-js runs it: ${reason}`,
            ),
        });
  // The checks of the two request plugins below, for requests answered before Apollo sees them.
  const fastPath =
    compiled &&
    new QueryFastPath<GraphQLContext>({
      compiled,
      mayRun: (ctx, document, operation, variables) =>
        canRead(ctx) && queryLimitError(limits, document, operation, variables) === null,
    });
  const apollo = new ApolloServer<GraphQLContext>({
    // With a gateway, Apollo still parses, validates, runs the plugins and formats errors; queries run compiled.
    ...(compiled ? { gateway: jitGateway(schema, compiled) } : { schema }),
    introspection: true,
    includeStacktraceInErrorResponses: !config.isProduction,
    formatError: createErrorFormatter(config.isProduction, (message, error) => log.error(message, error)),
    plugins: [
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ contextValue }) {
              if (!canRead(contextValue)) {
                throw new GraphQLError(PRIVATE_READS_MESSAGE, {
                  extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
                });
              }
            },
          };
        },
      },
      queryLimitsPlugin<GraphQLContext>(limits),
      // A plugin added here that must see every query has to be mirrored in `mayRun` above.
      ...(fastPath ? [fastPath.plugin()] : []),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // No type sets cache hints, and this is no federation subgraph; installed by default, these plugins
      // would still hook every request and (cache control) every resolved field.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
    ],
  });
  await apollo.start();

  const corsOptions = { origin: config.corsOrigins === "*" ? true : [...config.corsOrigins] };
  app.get("/health", async (_req, res) => {
    try {
      await dataSource.query("SELECT 1");
      res.json({ status: "ok" });
    } catch (error) {
      log.error("health check failed", error);
      res.status(503).json({ status: "unavailable" });
    }
  });
  const readers: express.RequestHandler = (req, res, next) => {
    if (hasReaderAccess(config, req.headers.authorization)) return next();
    // JSON:API's error shape, which OPTIMADE clients already read.
    res.status(401).json({ errors: [{ status: "401", title: "Unauthorized", detail: PRIVATE_READS_MESSAGE }] });
  };
  app.use("/optimade", cors(corsOptions), readers, optimadeRouter(dataSource));
  app.use("/export", cors(corsOptions), readers, exportRouter(dataSource));
  app.use(webRouter());
  const graphqlCors = cors(corsOptions);
  const contextOf = async (req: http.IncomingMessage) =>
    createContext(dataSource, config, req.headers.authorization, platform);
  app.use(
    "/graphql",
    graphqlCors,
    express.json({ limit: GRAPHQL_MAX_BODY }),
    expressMiddleware(apollo, { context: async ({ req }) => contextOf(req) }),
  );
  const graphqlPost = graphqlPostHandler(apollo, {
    path: "/graphql",
    maxBodyBytes: GRAPHQL_MAX_BODY_BYTES,
    cors: graphqlCors,
    context: contextOf,
    ...(fastPath ? { fastPath } : {}),
  });
  httpServer.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (graphqlPost.accepts(req)) graphqlPost.handle(req, res);
    else app(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    httpServer,
    async stop() {
      await apollo.stop();
    },
  };
}
