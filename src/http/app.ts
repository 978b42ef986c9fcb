import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { expressMiddleware } from "@as-integrations/express5";
import cors from "cors";
import express from "express";
import type { DataSource } from "typeorm";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Config } from "../config";
import { log } from "../logger";
import { buildMatGraphSchema } from "../schema/build-schema";
import { createContext, type GraphQLContext, type Platform } from "../schema/context";
import { createErrorFormatter } from "../schema/format-error";
import { queryLimitsPlugin } from "../schema/query-limits";
import { exportRouter } from "./export.router";
import { optimadeRouter } from "./optimade.router";
import { webRouter } from "./web.router";

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
): Promise<RunningServer> {
  const app = express();
  app.disable("x-powered-by");
  const httpServer = http.createServer(app);
  const schema = await buildMatGraphSchema();

  const wsServer = new WebSocketServer({ server: httpServer, path: "/graphql" });
  const wsCleanup = useServer(
    {
      schema,
      context: (ctx) => {
        const params = ctx.connectionParams ?? {};
        const auth = typeof params["authorization"] === "string" ? params["authorization"] : undefined;
        return createContext(dataSource, config, auth, platform);
      },
    },
    wsServer,
  );

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
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
      queryLimitsPlugin<GraphQLContext>({ maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost }),
      ApolloServerPluginDrainHttpServer({ httpServer }),
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
  app.use("/optimade", cors(corsOptions), optimadeRouter(dataSource));
  app.use("/export", cors(corsOptions), exportRouter(dataSource));
  app.use(webRouter());
  app.use(
    "/graphql",
    cors(corsOptions),
    express.json({ limit: "2mb" }),
    expressMiddleware(apollo, {
      context: async ({ req }) => createContext(dataSource, config, req.headers.authorization, platform),
    }),
  );

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
