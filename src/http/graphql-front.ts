import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler, type Response } from "express";
import proxyaddr from "proxy-addr";
import { isJsonRequest } from "./prepared-operations";

/** The Express app a request was handed to by the front, to give it Express's prototypes when needed. */
const REST = Symbol("sessiongraph.rest");
/** An error a handler of the front passed on, for `rest` to resume with. */
const PENDING_ERROR = Symbol("sessiongraph.pendingError");

type FrontRequest = IncomingMessage & { [REST]?: Express; [PENDING_ERROR]?: unknown };

/**
 * The front of the API for the requests that make nearly all of its traffic, POST /graphql with a JSON
 * body. It runs the handlers of the GraphQL endpoint (the same instances the Express app runs, in the same
 * order) on Node's own request and response objects, and hands the request to Express only when something
 * needs Express. Express gives every request and response its own prototypes (Object.setPrototypeOf), and
 * Node's http code then meets objects of a shape it was not optimized for (docs/performance.md).
 *
 * What the handlers expect of Express is given here: `req.ip`, `req.protocol` and `req.secure` (computed
 * as Express computes them, from its `trust proxy` setting), `req.originalUrl`, `res.locals`. Whatever is
 * left (Apollo Server for a document not prepared yet, the error handler for an error, or a handler that
 * calls an Express method through ensureExpress) runs the `rest` of the handlers in an Express app of their
 * own, with `app`'s settings, which gives the request Express's prototypes at that point. Every other
 * request goes to `app`.
 */
export function graphqlFront(
  app: Express,
  handlers: RequestHandler[],
  restHandlers: Array<RequestHandler | ErrorRequestHandler>,
): (req: IncomingMessage, res: ServerResponse) => void {
  const trust = app.get("trust proxy fn") as (address: string, index: number) => boolean;
  const rest = express();
  for (const setting of SETTINGS) rest.set(setting, app.get(setting));
  // Resumes where the front stopped: with the error a handler passed on, if any.
  rest.use((req, _res, next) => next((req as FrontRequest)[PENDING_ERROR]));
  for (const handler of restHandlers) rest.use(handler);
  const handOver = (req: FrontRequest, res: ServerResponse, err?: unknown) => {
    if (err !== undefined && err !== null) req[PENDING_ERROR] = err;
    rest(req as Request, res as Response);
  };
  return (req, res) => {
    if (req.method !== "POST" || req.url !== "/graphql" || !isJsonRequest(req.headers["content-type"])) return app(req as Request, res as Response);
    decorate(req as FrontRequest, res, trust, rest);
    let index = 0;
    const next = (err?: unknown): void => {
      if (err !== undefined && err !== null) return handOver(req, res, err);
      const handler = handlers[index++];
      if (!handler) return handOver(req, res);
      try {
        const result: unknown = handler(req as Request, res as Response, next);
        if (result instanceof Promise) result.catch((thrown: unknown) => handOver(req, res, thrown ?? new Error("rejected")));
      } catch (thrown) {
        handOver(req, res, thrown);
      }
    };
    next();
  };
}

/**
 * Gives a request the front is serving Express's prototypes, for a handler that needs an Express method
 * (`res.clearCookie`, `res.status().json()`). A request that came through Express has them already.
 */
export function ensureExpress(req: IncomingMessage, res: ServerResponse): void {
  const rest = (req as FrontRequest)[REST];
  if (!rest || Object.getPrototypeOf(req) === rest.request) return;
  Object.setPrototypeOf(req, rest.request);
  Object.setPrototypeOf(res, rest.response);
}

function decorate(req: FrontRequest, res: ServerResponse, trust: (address: string, index: number) => boolean, rest: Express): void {
  // As Express's request getters compute them (express/lib/request.js), once.
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
  const forwarded = trust(req.socket.remoteAddress ?? "", 0) ? req.headers["x-forwarded-proto"] : undefined;
  const protocol = typeof forwarded === "string" && forwarded ? forwarded.split(",")[0].trim() : encrypted;
  Object.assign(req, { originalUrl: req.url, protocol, secure: protocol === "https", ip: proxyaddr(req, trust), res, [REST]: rest });
  Object.assign(res, { locals: Object.create(null), req });
}

// The settings that change what Express's request and response methods do.
const SETTINGS = ["trust proxy", "etag", "x-powered-by", "json spaces", "json replacer", "json escape", "query parser", "env"];

