import { readFileSync } from "node:fs";
import type { RequestHandler } from "express";
import { NoSchemaIntrospectionCustomRule, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from "graphql";
import { refusePersistedQuery } from "./persisted-query-guard";

export interface TrustedDocument {
  id: string;
  text: string;
  document: DocumentNode;
  /** The names of its operations (a trusted document's operations are named: the manifest is made from an app's code). */
  operationNames: string[];
}

export class TrustedDocumentError extends Error {}

/**
 * The persisted-documents manifest of GraphQL Code Generator's client preset (`sha256:<hex>` -> document
 * text), read, parsed and validated once at start with the rules Apollo applies to every request (the
 * query limits, and no introspection in production): a document that would be refused later stops the
 * start instead, naming it.
 */
export function loadTrustedDocuments(
  path: string,
  schema: GraphQLSchema,
  options: { validationRules: ValidationRule[]; parseOptions: { maxTokens: number }; introspection: boolean },
): TrustedDocument[] {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new TrustedDocumentError(`TRUSTED_DOCUMENTS: cannot read ${path} as JSON: ${(err as Error).message}`);
  }
  if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest)) {
    throw new TrustedDocumentError(`TRUSTED_DOCUMENTS: ${path} is not an object of document ids to documents`);
  }
  const rules = [...specifiedRules, ...options.validationRules, ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  return Object.entries(manifest).map(([id, text]) => {
    const problem = (why: string) => new TrustedDocumentError(`TRUSTED_DOCUMENTS: document ${id} ${why}`);
    if (typeof text !== "string") throw problem("is not a string");
    let document: DocumentNode;
    try {
      document = parse(text, options.parseOptions);
    } catch (err) {
      throw problem(`does not parse: ${(err as Error).message}`);
    }
    const errors = validate(schema, document, rules);
    if (errors.length) throw problem(`does not validate: ${errors.map((e) => e.message).join("; ")}`);
    const operationNames = document.definitions.flatMap((d) => (d.kind === "OperationDefinition" && d.name ? [d.name.value] : []));
    return { id, text, document, operationNames };
  });
}

/**
 * The pipeline's handler for trusted documents, right after the body parser: `{"documentId": "<id>"}`
 * becomes the manifest's document (so the fast path and Apollo see an ordinary request), an unknown id is
 * refused, and with `only` every document that is not in the manifest is refused before anything parses
 * it (HTTP 400, PERSISTED_QUERY_NOT_FOUND).
 */
export function trustedDocumentsHandler(documents: readonly TrustedDocument[], only: boolean): RequestHandler {
  const byId = new Map(documents.map((d) => [d.id, d.text]));
  const texts = new Set(byId.values());
  return (req, res, next) => {
    const body: unknown = req.body;
    if (req.method === "POST" && typeof body === "object" && body !== null && !Array.isArray(body)) {
      const request = body as Record<string, unknown>;
      if (request.documentId !== undefined) {
        const text = typeof request.documentId === "string" ? byId.get(request.documentId) : undefined;
        if (text === undefined || (request.query !== undefined && request.query !== text)) return refusePersistedQuery(res);
        request.query = text;
        delete request.documentId;
        return next();
      }
      if (only && !(typeof request.query === "string" && texts.has(request.query))) return refusePersistedQuery(res);
    } else if (only) {
      const query = req.method === "GET" ? (req.query as Record<string, unknown>).query : undefined;
      if (!(typeof query === "string" && texts.has(query))) return refusePersistedQuery(res);
    }
    next();
  };
}

