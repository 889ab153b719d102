import { createHash } from "node:crypto";
import type { RequestHandler, Response } from "express";
import type { ApolloServerPlugin } from "@apollo/server";
import { recordGraphQLOutcome } from "./request-log";
import { sendJson } from "./send-json";

const SHA256_HEX = /^[0-9a-f]{64}$/;

const NOT_FOUND_ERRORS = [{ message: "PersistedQueryNotFound", extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }];
const notFoundBody = JSON.stringify({ errors: NOT_FOUND_ERRORS });

/** HTTP 400 PERSISTED_QUERY_NOT_FOUND before anything parses a document, logged and counted as the outcome. */
export function refusePersistedQuery(res: Response): void {
  recordGraphQLOutcome(res, undefined, NOT_FOUND_ERRORS);
  sendJson(res, 400, notFoundBody);
}

/**
 * An automatic persisted query (Apollo's `persistedQuery` extension) whose hash is not a SHA-256 in hex, or
 * does not match the query sent with it, names no document: HTTP 400 PERSISTED_QUERY_NOT_FOUND before
 * Apollo sees it (Apollo answered a mismatch with an error without a code, masked as an internal error).
 * Other versions are Apollo's to refuse.
 */
export const persistedQueryGuard: RequestHandler = (req, res, next) => {
  const body: unknown = req.body;
  const persisted = (body as { extensions?: { persistedQuery?: unknown } } | null)?.extensions?.persistedQuery;
  if (typeof persisted !== "object" || persisted === null || (persisted as { version?: unknown }).version !== 1) return next();
  const hash = (persisted as { sha256Hash?: unknown }).sha256Hash;
  const query = (body as { query?: unknown }).query;
  const valid = typeof hash === "string" && SHA256_HEX.test(hash) && (typeof query !== "string" || sha256(query) === hash);
  if (valid) return next();
  refusePersistedQuery(res);
};

/** A persisted query Apollo does not hold is HTTP 400 too (Apollo answers 200), as the contract's trusted documents. */
export const persistedQueryNotFoundStatus: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        const errors = response.body.kind === "single" ? response.body.singleResult.errors : undefined;
        if (errors?.some((e) => e.extensions?.code === "PERSISTED_QUERY_NOT_FOUND")) response.http.status = 400;
      },
    };
  },
};

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
