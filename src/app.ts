import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import cors from "cors";
import express, { type Request, type Response } from "express";
import { buildContext, type Context } from "./context";
import { ServiceUnavailableError } from "./errors";
import { isDependencyDown } from "./http/dependency-errors";
import { errorHandler, notFoundHandler } from "./http/error-handler";
import { makeFormatError } from "./http/format-error";
import { graphqlFront } from "./http/graphql-front";
import { healthRouter } from "./http/health";
import { playgroundRouter } from "./http/playground";
import { PreparedOperations } from "./http/prepared-operations";
import { requestDeadline } from "./http/request-deadline";
import { graphqlRequestLogging, linkResponse, requestLogger } from "./http/request-log";
import { securityHeaders } from "./http/security-headers";
import { persistedQueryGuard, persistedQueryNotFoundStatus } from "./http/persisted-query-guard";
import { serviceUnavailableStatus } from "./http/status-plugin";
import { costLimitPlugin } from "./limits/query-cost";
import { queryLimits } from "./limits/query-limits";
import { buildApiSchema } from "./schema";
import type { Services } from "./services";
import { sessionMiddleware } from "./sessions/session-middleware";

export interface App {
  express: express.Express;
  apollo: ApolloServer<Context>;
  /** The HTTP server's request handler: the GraphQL front (graphql-front.ts) before the Express app. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

/** Wires the HTTP surface: health checks, sessions, and GraphQL at /graphql. */
export async function createApp(services: Services, httpServer: Server): Promise<App> {
  const { config, log } = services;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);
  // GraphQL answers are POST responses, which nobody revalidates; and the front answers without Express.
  app.set("etag", false);
  const logRequest = requestLogger(log);
  const setSecurityHeaders = securityHeaders(config);
  app.use(logRequest);
  app.use(setSecurityHeaders);
  app.use(healthRouter(services));

  const schema = await buildApiSchema();
  const formatError = makeFormatError({ exposeInternals: config.env === "development", hideSuggestions: config.isProduction });
  const includeStacktrace = config.env === "development";
  // Compact JSON: Apollo's default indents every response, which costs time and bytes on every request.
  const stringifyResult = (result: unknown) => JSON.stringify(result);
  const context = async (req: Request, res: Response): Promise<Context> => {
    try {
      const ctx = await buildContext(services, req, res);
      linkResponse(ctx, res);
      return ctx;
    } catch (err) {
      if (isDependencyDown(err)) throw new ServiceUnavailableError();
      req.log.error({ err }, "could not build the request context");
      throw err;
    }
  };
  const prepared = new PreparedOperations({ schema, context, formatError, includeStacktrace, stringifyResult, maxDocuments: config.preparedDocuments, maxBytes: config.preparedDocumentsMaxBytes, maxCost: config.limits.maxCost });

  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: includeStacktrace,
    introspection: !config.isProduction,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    ...queryLimits(config),
    stringifyResult,
    // index.ts owns the signals, so that MySQL and Redis are closed too before the process exits.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceS * 1000 }),
      // Apollo's own landing page loads from a CDN; the offline playground (below) replaces it.
      ApolloServerPluginLandingPageDisabled(),
      // No type sets cache hints, and the plugin wraps every field resolver of the schema to collect them.
      ApolloServerPluginCacheControlDisabled(),
      serviceUnavailableStatus,
      persistedQueryNotFoundStatus,
      graphqlRequestLogging,
      costLimitPlugin(config.limits.maxCost),
      prepared.plugin,
    ],
  });
  await apollo.start();

  if (config.playground) {
    const playground = playgroundRouter("/graphql", log);
    if (playground) app.use(playground);
  }
  const graphqlHandlers = [
    cors({ origin: config.corsOrigins, credentials: true }),
    // After the dependencies' own timeouts (DEPENDENCY_TIMEOUT_MS) had their chance; 1.8 s by default, within the contract's 2 s.
    requestDeadline(config.dependencyTimeoutMs + 300),
    express.json({ limit: config.limits.maxBodyBytes }),
    persistedQueryGuard,
    ...sessionMiddleware(config, services.sessions, (msg) => log.warn(msg)),
    // A document Apollo has already validated runs straight away (see prepared-operations.ts).
    ...(config.preparedDocuments > 0 ? [prepared.middleware] : []),
  ];
  const apolloHandler = expressMiddleware(apollo, { context: ({ req, res }) => context(req, res) });
  app.use("/graphql", ...graphqlHandlers, apolloHandler);
  const handleErrors = errorHandler(log);
  app.use(notFoundHandler);
  app.use(handleErrors);
  // The same handlers for POST /graphql, run by the front without Express until something needs it.
  const handler = graphqlFront(app, [logRequest, setSecurityHeaders, ...graphqlHandlers], [apolloHandler, notFoundHandler, handleErrors]);
  return { express: app, apollo, handler };
}
