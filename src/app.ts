import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import cors from "cors";
import express from "express";
import { pinoHttp } from "pino-http";
import { buildContext, type Context } from "./context";
import { ServiceUnavailableError } from "./errors";
import { isDependencyDown } from "./http/dependency-errors";
import { errorHandler } from "./http/error-handler";
import { makeFormatError } from "./http/format-error";
import { healthRouter } from "./http/health";
import { playgroundRouter } from "./http/playground";
import { serviceUnavailableStatus } from "./http/status-plugin";
import { buildApiSchema } from "./schema";
import type { Services } from "./services";
import { sessionMiddleware } from "./sessions/session-middleware";

export interface App {
  express: express.Express;
  apollo: ApolloServer<Context>;
}

/** Wires the HTTP surface: health checks, sessions, and GraphQL at /graphql. */
export async function createApp(services: Services, httpServer: Server): Promise<App> {
  const { config, log } = services;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);

  app.use(
    pinoHttp({
      logger: log,
      genReqId: () => randomUUID(),
      // Only what is needed to follow a request; never a cookie, a session id or a body.
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, url: req.url?.split("?")[0] }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(healthRouter(services));

  const apollo = new ApolloServer<Context>({
    schema: await buildApiSchema(),
    formatError: makeFormatError(log, config.env === "development"),
    includeStacktraceInErrorResponses: config.env === "development",
    introspection: !config.isProduction,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Apollo's own landing page loads from a CDN; the offline playground (below) replaces it.
      ApolloServerPluginLandingPageDisabled(),
      serviceUnavailableStatus,
    ],
  });
  await apollo.start();

  if (config.playground) {
    const playground = playgroundRouter("/graphql", log);
    if (playground) app.use(playground);
  }
  app.use(
    "/graphql",
    cors({ origin: config.corsOrigins, credentials: true }),
    express.json({ limit: config.limits.maxBodyBytes }),
    ...sessionMiddleware(config, services.sessions, (msg) => log.warn(msg)),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        try {
          return await buildContext(services, req, res);
        } catch (err) {
          if (isDependencyDown(err)) throw new ServiceUnavailableError();
          throw err;
        }
      },
    }),
  );
  app.use(errorHandler(log));
  return { express: app, apollo };
}
