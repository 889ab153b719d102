import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { catalogAnswers } from "./catalog/catalog";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import cors from "cors";
import express, { type Request, type Response } from "express";
import { buildContext, type Context } from "./context";
import { visitorReads } from "./db/replicas/visitor-reads";
import { ServiceUnavailableError } from "./errors";
import { isDependencyDown } from "./http/dependency-errors";
import { errorHandler, notFoundHandler } from "./http/error-handler";
import { makeFormatError } from "./http/format-error";
import { graphqlFront } from "./http/graphql-front";
import { fastPathBlockers, type DeclaredPlugin, type GraphQLPipeline } from "./http/graphql-pipeline";
import { healthRouter } from "./http/health";
import { playgroundRouter } from "./http/playground";
import { PreparedOperations } from "./http/prepared-operations";
import { requestDeadline } from "./http/request-deadline";
import { operationMetrics } from "./http/operation-metrics";
import { graphqlOutcome, graphqlRequestLogging, linkResponse, requestLogger } from "./http/request-log";
import { securityHeaders } from "./http/security-headers";
import { persistedQueryGuard, persistedQueryNotFoundStatus } from "./http/persisted-query-guard";
import { serviceUnavailableStatus } from "./http/status-plugin";
import { loadTrustedDocuments, trustedDocumentsHandler } from "./http/trusted-documents";
import { costLimitPlugin } from "./limits/query-cost";
import { OperationNames } from "./observability/operation-names";
import { queryLimits } from "./limits/query-limits";
import { buildApiSchema } from "./schema";
import type { Services } from "./services";
import { sessionMiddleware } from "./sessions/session-middleware";
import { touchGuestCart } from "./cart/cart-sweeper";

export interface App {
  express: express.Express;
  apollo: ApolloServer<Context>;
  /** Whether repeated documents skip Apollo's pipeline (off when configured so, or when a plugin needs every request). */
  fastPath: boolean;
  /** The HTTP server's request handler: the GraphQL front (graphql-front.ts) before the Express app. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

/** What a deployment or a test adds to the pipeline: more Apollo plugins. */
export interface AppExtensions {
  plugins?: DeclaredPlugin[];
}

/** Wires the HTTP surface: health checks, sessions, and GraphQL at /graphql. */
export async function createApp(services: Services, httpServer: Server, extensions: AppExtensions = {}): Promise<App> {
  const { config, log } = services;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);
  // GraphQL answers are POST responses, which nobody revalidates; and the front answers without Express.
  app.set("etag", false);

  const schema = await buildApiSchema();
  const limits = queryLimits(config);
  const trusted = config.trustedDocuments
    ? loadTrustedDocuments(config.trustedDocuments.path, schema, { ...limits, introspection: !config.isProduction })
    : [];
  const operationNames = new OperationNames(
    trusted.flatMap((d) => d.operationNames),
    config.metrics.operationNames,
  );
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
  const prepared = new PreparedOperations({ schema, context, formatError, includeStacktrace, stringifyResult, maxDocuments: config.preparedDocuments, maxBytes: config.preparedDocumentsMaxBytes, maxCost: config.limits.maxCost, sharedAnswers: catalogAnswers });
  // Compiled now, and served by the fast path from their first request on.
  for (const document of trusted) prepared.preload(document.text, document.document);

  const deadlineMs = config.dependencyTimeoutMs + 300;
  // The one declaration of what every GraphQL request passes (graphql-pipeline.ts); everything below is built from it.
  const pipeline: GraphQLPipeline = {
    everyRequest: [requestLogger(log), securityHeaders(config)],
    graphql: [
      ...(services.metrics ? [operationMetrics(services.metrics, operationNames)] : []),
      cors({ origin: config.corsOrigins, credentials: true }),
      // After the dependencies' own timeouts (DEPENDENCY_TIMEOUT_MS) had their chance; 1.8 s by default, within the contract's 2 s.
      requestDeadline(deadlineMs),
      express.json({ limit: config.limits.maxBodyBytes }),
      // A persisted-query hash that is malformed or does not match its query: 400 before anything else reads it.
      persistedQueryGuard,
      trustedDocumentsHandler(trusted, config.trustedDocuments?.only ?? false),
      // After the body is read: from here on everything is promises, which carry the span as the current one.
      ...(services.tracing ? [services.tracing.operationSpans(graphqlOutcome)] : []),
      // A guest's cart is touched with their session, so the sweep can tell when the session has ended.
      ...sessionMiddleware(config, services.sessions, (msg) => log.warn(msg), (publicId, now) => touchGuestCart(services.orm.em, publicId, now)),
      // Which replica may serve this visitor's catalog reads (only with DATABASE_REPLICA_URLS).
      ...(config.replicas.urls.length ? [visitorReads(deadlineMs)] : []),
    ],
    plugins: [
      { name: "drain-http-server", plugin: ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceS * 1000 }) },
      // Apollo's own landing page loads from a CDN; the offline playground (below) replaces it.
      { name: "landing-page-disabled", plugin: ApolloServerPluginLandingPageDisabled() },
      // No type sets cache hints, and the plugin wraps every field resolver of the schema to collect them.
      { name: "cache-control-disabled", plugin: ApolloServerPluginCacheControlDisabled() },
      // The fast path answers 503 the same way (prepared-operations.ts, serve).
      { name: "service-unavailable-status", plugin: serviceUnavailableStatus, fastPath: "honoured" },
      // Only for requests that name a persisted query by hash, which the fast path never takes.
      { name: "persisted-query-not-found-status", plugin: persistedQueryNotFoundStatus, fastPath: "honoured" },
      // The fast path logs the errors and records the outcome the same way (prepared-operations.ts, serve).
      { name: "request-logging", plugin: graphqlRequestLogging, fastPath: "honoured" },
      // The fast path checks the cost with the request's variables the same way (prepared-operations.ts, checkCost).
      { name: "cost-limit", plugin: costLimitPlugin(config.limits.maxCost), fastPath: "honoured" },
      // The fast path's own: it learns the documents Apollo resolved.
      { name: "prepared-operations", plugin: prepared.plugin, fastPath: "honoured" },
      ...(extensions.plugins ?? []),
    ],
  };
  const blockers = fastPathBlockers(pipeline.plugins);
  if (blockers.length && config.preparedDocuments > 0) {
    log.warn(
      { plugins: blockers },
      `the GraphQL fast path is off: Apollo plugin ${blockers.join(", ")} has per-request hooks it would skip (see docs/operations.md, "The fast path")`,
    );
  }
  const fastPath = config.preparedDocuments > 0 && blockers.length === 0;

  for (const handler of pipeline.everyRequest) app.use(handler);
  app.use(healthRouter(services));

  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: includeStacktrace,
    introspection: !config.isProduction,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    ...limits,
    stringifyResult,
    // index.ts owns the signals, so that MySQL and Redis are closed too before the process exits.
    stopOnTerminationSignals: false,
    plugins: pipeline.plugins.map((p) => p.plugin),
  });
  await apollo.start();

  if (config.playground) {
    const playground = playgroundRouter("/graphql", log);
    if (playground) app.use(playground);
  }
  const graphqlHandlers = [
    ...pipeline.graphql,
    // A document Apollo has already validated runs straight away (see prepared-operations.ts).
    ...(fastPath ? [prepared.middleware] : []),
  ];
  const apolloHandler = expressMiddleware(apollo, { context: ({ req, res }) => context(req, res) });
  app.use("/graphql", ...graphqlHandlers, apolloHandler);
  const handleErrors = errorHandler(log);
  app.use(notFoundHandler);
  app.use(handleErrors);
  // The same handlers for POST /graphql, run by the front without Express until something needs it.
  const handler = graphqlFront(app, [...pipeline.everyRequest, ...graphqlHandlers], [apolloHandler, notFoundHandler, handleErrors]);
  return { express: app, apollo, handler, fastPath };
}
