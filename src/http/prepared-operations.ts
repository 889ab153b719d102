import type { ApolloServerPlugin } from "@apollo/server";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import {
  GraphQLError,
  Kind,
  getOperationAST,
  getVariableValues,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import Negotiator from "negotiator";
import type { Context } from "../context";
import { checkCost, costDependsOnVariables } from "../limits/query-cost";
import { logGraphQLErrors, recordGraphQLOutcome } from "./request-log";
import { sendJson } from "./send-json";
import { documentForRootKey, fragmentsOf, includedRootKeys, rootResponseKeys } from "./serial-mutation";
import { isServiceUnavailable } from "./status-plugin";

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

export interface PreparedOperationsOptions {
  schema: GraphQLSchema;
  /** Builds the request's context, exactly as for Apollo Server. */
  context(req: Request, res: Response): Promise<Context>;
  formatError: FormatError;
  includeStacktrace: boolean;
  stringifyResult(result: unknown): string;
  /** How many distinct documents are remembered (oldest forgotten first). */
  maxDocuments: number;
  /** How many bytes of document text they may take together (oldest forgotten first). */
  maxBytes: number;
  /** GRAPHQL_MAX_COST, checked as Apollo's cost plugin checks it (src/limits/query-cost.ts). */
  maxCost: number;
  /** Queries whose answers are shared between visitors (the catalog's, src/catalog/catalog.ts). */
  sharedAnswers?: SharedAnswers;
}

/**
 * Root query fields whose answer is the same for every visitor of an audience, and where it is kept. A query
 * that selects nothing else is answered, once it has run without an error, from the JSON kept for its
 * document, operation, variables and audience.
 */
export interface SharedAnswers {
  fields: ReadonlySet<string>;
  /** Who this visitor's answers are shared with; null: nobody (they run their own). */
  audience(ctx: Context): string | null;
  /** The kept JSON, or `produce`'s, kept when it is not undefined. */
  read(ctx: Context, key: string, produce: () => Promise<string | undefined>): Promise<string | undefined>;
}

interface Prepared {
  document: DocumentNode;
  /** Its text's length in UTF-8 bytes. */
  bytes: number;
  /** Per operation name asked for (null: none) that Apollo resolved this document with. */
  operations: Map<string | null, ResolvedOperation>;
}

interface ResolvedOperation {
  /** The operation's own name, for the log line (undefined: anonymous). */
  name: string | undefined;
  /** query, mutation or subscription: for the metrics and the span. */
  type: string;
  /** Made on first use. */
  compiled?: Compiled;
  /** The cost refusal when the cost takes no variable (null: within the limit); undefined: checked per request. */
  costRefusal?: GraphQLError | null;
  /** Set when the operation selects only shared-answer fields: its answers' key prefix. */
  sharedAs?: string;
}

/**
 * A query, or a mutation of one root field: one compiled function. A mutation of several root fields: one
 * per response key, run in turn by runSerially (graphql-jit would start every one of them).
 */
type Compiled =
  | { kind: "whole"; query: CompiledQuery }
  | { kind: "serial"; operation: OperationDefinitionNode; document: DocumentNode; steps: Map<string, CompiledQuery> };

interface Operation {
  document: DocumentNode;
  /** The operation name asked for. */
  requested: string | null;
  resolved: ResolvedOperation;
}

/**
 * Serves a GraphQL request whose document Apollo Server has already parsed, validated (with the query limits,
 * and without introspection in production) and resolved to an operation, by running that operation compiled
 * (graphql-jit) straight away: Apollo's per-request pipeline (header map, negotiation, hashing, document
 * cache, plugin hooks, a dozen awaits) and graphql-js's interpretation of the document cost more CPU than
 * the rest of a cheap request together. Clients send the same few documents over
 * and over, so from its second request on an operation runs here.
 *
 * What it answers is what Apollo would: the same schema and resolvers, the same error formatting and masking
 * (the API's formatError), the same status rules and content negotiation, the same log line. Anything it
 * does not handle goes on to Apollo untouched: GET, batches, persisted-query extensions, a document not seen
 * yet, an operation name not resolved yet, variables that do not coerce (nothing has run yet; Apollo answers
 * its own 400), an Accept header that takes neither JSON type, and every request once the server is stopping.
 */
export class PreparedOperations {
  private readonly documents = new Map<string, Prepared>();
  private readonly trusted = new Map<string, Prepared>();
  /** The UTF-8 bytes of the documents' texts, the measure of what they hold (parsed, compiled) in memory. */
  private bytes = 0;
  private readonly contentTypes = new Map<string, string | null>();
  private serving = true;
  private operationsCompiled = 0;

  constructor(private readonly options: PreparedOperationsOptions) {}

  /** The Apollo plugin that remembers every document Apollo resolved to an operation. */
  readonly plugin: ApolloServerPlugin<Context> = {
    serverWillStart: async () => ({
      serverWillStop: async () => {
        this.serving = false;
      },
    }),
    requestDidStart: async () => ({
      didResolveOperation: async ({ request, document, operationName, operation }) => {
        if (request.http?.method !== "POST" || typeof request.query !== "string") return;
        this.remember(request.query, document, request.operationName ?? null, { name: operationName ?? undefined, type: operation?.operation ?? "query" });
      },
    }),
  };

  /**
   * A trusted document (trusted-documents.ts), compiled at start and kept for good: an error in it stops
   * the start rather than the first request that sends it.
   */
  preload(query: string, document: DocumentNode): void {
    const operations = document.definitions.flatMap((d) => (d.kind === "OperationDefinition" ? [{ name: d.name?.value, type: d.operation as string }] : []));
    const prepared: Prepared = { document, bytes: Buffer.byteLength(query), operations: new Map() };
    for (const { name, type } of operations) {
      const resolved: ResolvedOperation = { name, type };
      if (name !== undefined) prepared.operations.set(name, resolved);
      if (operations.length === 1) prepared.operations.set(null, resolved);
      this.compiled({ document, requested: name ?? null, resolved });
    }
    this.trusted.set(query, prepared);
  }

  /**
   * The Express handler to mount right before Apollo's, after the body parser and the session. Only a JSON
   * body reaches it (isJsonRequest below, and the front routes only those here): Apollo's CSRF rule refuses
   * the "simple" content types a cross-site form can send, and this path must not be a way around it.
   */
  readonly middleware: RequestHandler = (req, res, next) => {
    if (!isJsonRequest(req.headers["content-type"])) return next();
    const operation = this.serving ? this.match(req) : undefined;
    const contentType = operation && this.contentType(req.headers.accept);
    if (!operation || !contentType) return next();
    this.serve(req, res, next, operation, contentType).catch(next);
  };

  private remember(query: string, document: DocumentNode, requested: string | null, resolved: ResolvedOperation): void {
    const known = this.documents.get(query);
    if (known) {
      if (!known.operations.has(requested)) known.operations.set(requested, resolved);
      return;
    }
    const bytes = Buffer.byteLength(query);
    if (bytes > this.options.maxBytes) return;
    while (this.documents.size > 0 && (this.documents.size >= this.options.maxDocuments || this.bytes + bytes > this.options.maxBytes)) {
      const oldest = this.documents.entries().next().value!;
      this.documents.delete(oldest[0]);
      this.bytes -= oldest[1].bytes;
    }
    this.documents.set(query, { document, bytes, operations: new Map([[requested, resolved]]) });
    this.bytes += bytes;
  }

  /** How many documents are remembered and the bytes of their text (for tests and figures). */
  size(): { documents: number; bytes: number } {
    return { documents: this.documents.size, bytes: this.bytes };
  }

  private match(req: Request): Operation | undefined {
    const body: unknown = req.body;
    if (req.method !== "POST" || typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
    const { query, operationName, variables, extensions } = body as Record<string, unknown>;
    if (typeof query !== "string" || extensions !== undefined) return undefined;
    if (operationName !== undefined && operationName !== null && typeof operationName !== "string") return undefined;
    if (variables !== undefined && variables !== null && (typeof variables !== "object" || Array.isArray(variables))) return undefined;
    const prepared = this.trusted.get(query) ?? this.documents.get(query);
    const requested = operationName ?? null;
    const resolved = prepared?.operations.get(requested);
    return resolved ? { document: prepared!.document, requested, resolved } : undefined;
  }

  /** Apollo's choice of response type for an Accept header (null: it takes neither JSON type), remembered. */
  private contentType(accept: string | undefined): string | null {
    if (!accept) return JSON_TYPE;
    let type = this.contentTypes.get(accept);
    if (type === undefined) {
      type = new Negotiator({ headers: { accept } }).mediaType([JSON_TYPE, GRAPHQL_RESPONSE_TYPE]) ?? null;
      if (this.contentTypes.size < 64) this.contentTypes.set(accept, type);
    }
    return type;
  }

  /**
   * The operation compiled by graphql-jit into a function, once: graphql-js interprets the document anew on
   * every request.
   */
  private compiled({ document, requested, resolved }: Operation): Compiled {
    if (!resolved.compiled) {
      const operation = getOperationAST(document, requested ?? undefined);
      const fragments = fragmentsOf(document);
      const keys = operation?.operation === "mutation" ? rootResponseKeys(operation, fragments) : [];
      resolved.costRefusal = operation && !costDependsOnVariables(operation, fragments) ? (checkCost(this.options.schema, document, operation, {}, this.options.maxCost) ?? null) : undefined;
      const shared = this.options.sharedAnswers?.fields;
      if (operation?.operation === "query" && shared && selectsOnly(operation, shared)) resolved.sharedAs = `${++this.operationsCompiled}`;
      resolved.compiled =
        operation && keys.length > 1
          ? { kind: "serial", operation, document, steps: new Map(keys.map((key) => [key, this.compile(documentForRootKey(document, operation, fragments, key))])) }
          : { kind: "whole", query: this.compile(document, requested ?? undefined) };
    }
    return resolved.compiled;
  }

  private compile(document: DocumentNode, operationName?: string): CompiledQuery {
    const result = compileQuery(this.options.schema, document, operationName);
    // Apollo validated the document against this schema, so it compiles; should it not, that is a bug.
    if (!isCompiledQuery(result)) throw new Error(`graphql-jit could not compile a validated document: ${result.errors?.[0]?.message}`);
    return result;
  }

  /** The same cost rule as Apollo's plugin, with this request's variables when the cost depends on them. */
  private costRefusal({ document, requested, resolved }: Operation, variables: Record<string, unknown>): GraphQLError | undefined {
    if (resolved.costRefusal !== undefined) return resolved.costRefusal ?? undefined;
    const operation = getOperationAST(document, requested ?? undefined);
    return operation ? checkCost(this.options.schema, document, operation, variables, this.options.maxCost) : undefined;
  }

  /**
   * graphql-js's executeFieldsSerially: each root field in turn; an error that nulls a field's result (a
   * non-null field) nulls the whole data and nothing after it runs. Undefined: the variables do not coerce.
   */
  private async runSerially(compiled: Extract<Compiled, { kind: "serial" }>, contextValue: Context, variables: Record<string, unknown>): Promise<ExecutionResult | undefined> {
    const coerced = getVariableValues(this.options.schema, compiled.operation.variableDefinitions ?? [], variables);
    if (coerced.errors) return undefined;
    const errors: GraphQLError[] = [];
    const data: Record<string, unknown> = {};
    for (const key of includedRootKeys(compiled.operation, fragmentsOf(compiled.document), coerced.coerced)) {
      const result = await compiled.steps.get(key)!.query(undefined, contextValue, variables);
      // The variables coerced above: graphql-jit coerces them alike, and an earlier field may have run already.
      if (result.data === undefined) throw new Error("graphql-jit refused variables that graphql-js coerced");
      if (result.errors) errors.push(...result.errors);
      if (result.data === null) return { data: null, errors };
      data[key] = (result.data as Record<string, unknown>)[key];
    }
    return errors.length ? { data, errors } : { data };
  }

  private async serve(req: Request, res: Response, next: NextFunction, operation: Operation, contentType: string): Promise<void> {
    const body = req.body as { operationName?: string | null; variables?: Record<string, unknown> | null };
    const compiled = this.compiled(operation);
    const variables = body.variables ?? {};
    const refusal = this.costRefusal(operation, variables);
    if (refusal) {
      const { formatted, status } = this.formatErrors([refusal]);
      recordGraphQLOutcome(res, operation.resolved.name, formatted, true);
      return this.send(res, contentType, status ?? 400, { errors: formatted });
    }
    let contextValue: Context;
    try {
      contextValue = await this.options.context(req, res);
    } catch (err) {
      const { formatted, status } = this.formatErrors([ensureGraphQLError(err, "Context creation failed: ")]);
      return this.send(res, contentType, status ?? 500, { errors: formatted });
    }
    const run = () => (compiled.kind === "whole" ? compiled.query.query(undefined, contextValue, variables) : this.runSerially(compiled, contextValue, variables));
    const operationName = operation.resolved.name;
    const operationType = operation.resolved.type;
    const sharedKey = this.sharedKey(operation.resolved, contextValue, variables);
    let result: ExecutionResult | undefined;
    if (sharedKey !== undefined) {
      let ran = false;
      const json = await this.options.sharedAnswers!.read(contextValue, sharedKey, async () => {
        ran = true;
        result = await run();
        // Only a whole answer is shared: an error may be this visitor's alone (a timeout, a refused argument).
        return result?.data !== undefined && !result.errors?.length ? this.options.stringifyResult({ data: result.data }) : undefined;
      });
      if (json !== undefined) {
        recordGraphQLOutcome(res, operationName, [], true, operationType);
        return sendJson(res, 200, json, contentType);
      }
      // Another request's run ended in an error: this one runs its own.
      if (!ran) result = await run();
    } else result = await run();
    // Variables that do not coerce stop execution before any resolver: Apollo answers those with its 400.
    if (result?.data === undefined) return next();
    if (!result.errors?.length) {
      recordGraphQLOutcome(res, operationName, [], true, operationType);
      return this.send(res, contentType, 200, { data: result.data });
    }
    logGraphQLErrors(contextValue.log, result.errors);
    const { formatted, status } = this.formatErrors(result.errors);
    recordGraphQLOutcome(res, operationName, formatted, true, operationType);
    this.send(res, contentType, isServiceUnavailable(formatted) ? 503 : (status ?? 200), { errors: formatted, data: result.data });
  }

  /**
   * Apollo's error normalization, which Apollo does not export: every error gets a code (INTERNAL_SERVER_ERROR
   * if it has none; graphql-jit leaves `extensions` undefined where graphql-js has {}), an `extensions.http`
   * status is taken off the error and applied to the response, then formatError runs; should that throw,
   * the error is masked.
   */
  private formatErrors(errors: readonly GraphQLError[]): { formatted: GraphQLFormattedError[]; status?: number } {
    let status: number | undefined;
    const enrich = (error: unknown): GraphQLFormattedError => {
      const graphqlError = ensureGraphQLError(error);
      const { http, ...extensions }: Record<string, unknown> = { ...graphqlError.extensions, code: graphqlError.extensions?.code ?? "INTERNAL_SERVER_ERROR" };
      const httpStatus = (http as { status?: unknown } | undefined)?.status;
      if (typeof httpStatus === "number") status = httpStatus;
      if (this.options.includeStacktrace) extensions.stacktrace = graphqlError.stack?.split("\n");
      return { ...graphqlError.toJSON(), extensions };
    };
    const formatted = errors.map((error) => {
      try {
        return this.options.formatError(enrich(error), error);
      } catch (formattingError) {
        if (this.options.includeStacktrace) return enrich(formattingError);
        return { message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } };
      }
    });
    return { formatted, status };
  }

  /** The key of this request's shared answer; undefined when it has none. */
  private sharedKey(resolved: ResolvedOperation, ctx: Context, variables: Record<string, unknown>): string | undefined {
    if (resolved.sharedAs === undefined) return undefined;
    const audience = this.options.sharedAnswers!.audience(ctx);
    if (audience === null) return undefined;
    const key = `${resolved.sharedAs} ${audience} ${JSON.stringify(variables)}`;
    return key.length <= MAX_SHARED_KEY ? key : undefined;
  }

  private send(res: Response, contentType: string, status: number, result: { errors?: GraphQLFormattedError[]; data?: unknown }): void {
    sendJson(res, status, this.options.stringifyResult(result), contentType);
  }
}

// Variables longer than this (a long search) are not worth keeping an answer for.
const MAX_SHARED_KEY = 512;

/** Whether every root selection is one of `fields` (or `__typename`), without fragments. */
function selectsOnly(operation: OperationDefinitionNode, fields: ReadonlySet<string>): boolean {
  return operation.selectionSet.selections.every((node) => node.kind === Kind.FIELD && (fields.has(node.name.value) || node.name.value === "__typename"));
}

/** Whether a request's body is JSON, by the rule the front routes with (graphql-front.ts). */
export const isJsonRequest = (contentType: string | undefined) => contentType !== undefined && /^application\/json\s*(;|$)/i.test(contentType);

// Apollo Server's media types, in its order of preference.
const JSON_TYPE = "application/json; charset=utf-8";
const GRAPHQL_RESPONSE_TYPE = "application/graphql-response+json; charset=utf-8";

/** Apollo's: anything thrown becomes a GraphQLError, keeping the original. */
function ensureGraphQLError(value: unknown, prefix = ""): GraphQLError {
  const error = value instanceof Error ? value : new GraphQLError(`Unexpected error value: ${String(value)}`);
  return error instanceof GraphQLError ? error : new GraphQLError(prefix + error.message, { originalError: error });
}
