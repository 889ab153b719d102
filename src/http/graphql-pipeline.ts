import type { ApolloServerPlugin } from "@apollo/server";
import type { RequestHandler } from "express";
import type { Context } from "../context";

/** An Apollo plugin as the pipeline declares it. */
export interface DeclaredPlugin {
  /** Named in the warning when it turns the fast path off. */
  name: string;
  plugin: ApolloServerPlugin<Context>;
  /**
   * "honoured": the fast path (prepared-operations.ts) does what this plugin's per-request hooks do, said
   * where it is declared. A plugin with per-request hooks (requestDidStart) and no such declaration turns
   * the fast path off, because the fast path would skip those hooks on every request after a document's first.
   */
  fastPath?: "honoured";
}

/**
 * Everything a GraphQL request passes, declared in one place (app.ts builds it): the Express app, the front
 * (graphql-front.ts), the fast path and Apollo Server are all made from this, so a handler or plugin added
 * here reaches every request whichever path serves it, and one added anywhere else reaches none.
 */
export interface GraphQLPipeline {
  /** Every request, first: the request log, the security headers. */
  everyRequest: RequestHandler[];
  /** Every request to /graphql, in order, after everyRequest and before the fast path and Apollo. */
  graphql: RequestHandler[];
  /** Apollo Server's plugins. */
  plugins: DeclaredPlugin[];
}

/** The plugins with per-request hooks that the fast path does not do, by name: any of them turns it off. */
export function fastPathBlockers(plugins: readonly DeclaredPlugin[]): string[] {
  return plugins.filter(({ plugin, fastPath }) => fastPath !== "honoured" && REQUEST_HOOKS.some((hook) => plugin[hook] !== undefined)).map((p) => p.name);
}

// Apollo's hooks that run for a request (the others run at start and stop).
const REQUEST_HOOKS = ["requestDidStart", "contextCreationDidFail", "unexpectedErrorProcessingRequest", "invalidRequestWasReceived"] as const;
