import type { ApolloServerPlugin } from "@apollo/server";
import {
  GraphQLError,
  Kind,
  getNamedType,
  getVariableValues,
  isInterfaceType,
  isObjectType,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
} from "graphql";
import { MAX_PAGE_SIZE } from "../db/pagination";

/**
 * The query cost, the one rule for both ways a request runs (Apollo's plugin below and the prepared fast
 * path): each object field 2, each scalar 1, a nested selection 1.5× per level, and a selection with
 * `first`/`last` N counts N times, N being the literal, the variable's value after coercion, or else the
 * argument's default in the schema (what the resolver gets); once when N is outside 0..MAX_PAGE_SIZE, which
 * the resolver refuses before running the selection. (graphql-armor's
 * cost rule, which this replaced, saw only literals: fifteen `products(first: $n)` with n = 100 passed.)
 */
const OBJECT_COST = 2;
const SCALAR_COST = 1;
const DEPTH_FACTOR = 1.5;

type Fragments = ReadonlyMap<string, FragmentDefinitionNode>;

export function fragmentMap(document: DocumentNode): Fragments {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/** Whether a `first`/`last` takes a variable anywhere, so the cost must be computed per request. */
export function costDependsOnVariables(operation: OperationDefinitionNode, fragments: Fragments): boolean {
  const seen = new Set<string>();
  const visit = (selections: readonly SelectionNode[]): boolean =>
    selections.some((node) => {
      if (node.kind === Kind.FRAGMENT_SPREAD) {
        if (seen.has(node.name.value)) return false;
        seen.add(node.name.value);
        const fragment = fragments.get(node.name.value);
        return fragment ? visit(fragment.selectionSet.selections) : false;
      }
      if (node.kind === Kind.FIELD && pageArgument(node)?.value.kind === Kind.VARIABLE) return true;
      return node.selectionSet ? visit(node.selectionSet.selections) : false;
    });
  return visit(operation.selectionSet.selections);
}

/** The operation's cost with these coerced variable values. */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Fragments,
  variables: Record<string, unknown>,
): number {
  // A fragment spread again costs what it cost the first time, as graphql-armor counted it.
  const fragmentCosts = new Map<string, number>();
  // The parent type is followed only to find each field's defaults; an unknown name costs as before.
  const cost = (node: SelectionNode | FragmentDefinitionNode, parent: GraphQLNamedType | undefined): number => {
    // Introspection is not counted, nor __typename (no resolver; Apollo Client adds it to every selection).
    if (node.kind === Kind.FIELD && (node.name.value === "__schema" || node.name.value === "__typename")) return 0;
    const selectionSet = node.kind === Kind.FRAGMENT_SPREAD ? undefined : node.selectionSet;
    if (selectionSet) {
      const definition = node.kind === Kind.FIELD ? fieldDefinition(parent, node.name.value) : undefined;
      const inner =
        node.kind === Kind.FIELD ? definition && getNamedType(definition.type)
        : node.kind === Kind.FRAGMENT_SPREAD ? parent
        : (typeOf(schema, node.typeCondition?.name.value) ?? parent);
      let total = OBJECT_COST;
      for (const child of selectionSet.selections) total += DEPTH_FACTOR * cost(child, inner);
      return total * (node.kind === Kind.FIELD ? multiplier(node, definition, variables) : 1);
    }
    if (node.kind !== Kind.FRAGMENT_SPREAD) return SCALAR_COST;
    const name = node.name.value;
    if (fragmentCosts.has(name)) return SCALAR_COST + DEPTH_FACTOR * fragmentCosts.get(name)!;
    fragmentCosts.set(name, 0);
    const fragment = fragments.get(name);
    const fragmentCost = fragment ? cost(fragment, typeOf(schema, fragment.typeCondition.name.value)) : 0;
    fragmentCosts.set(name, fragmentCost);
    return SCALAR_COST + DEPTH_FACTOR * fragmentCost;
  };
  const root = schema.getRootType(operation.operation) ?? undefined;
  return operation.selectionSet.selections.reduce((total, node) => total + cost(node, root), 0);
}

const typeOf = (schema: GraphQLSchema, name: string | undefined) => (name === undefined ? undefined : schema.getType(name));

function fieldDefinition(parent: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  return parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
}

function pageArgument(field: Extract<SelectionNode, { kind: Kind.FIELD }>) {
  return field.arguments?.find((arg) => arg.name.value === "first" || arg.name.value === "last");
}

function multiplier(
  field: Extract<SelectionNode, { kind: Kind.FIELD }>,
  definition: GraphQLField<unknown, unknown> | undefined,
  variables: Record<string, unknown>,
): number {
  const value = pageArgument(field)?.value;
  let n = value?.kind === Kind.INT ? parseInt(value.value, 10) : value?.kind === Kind.VARIABLE ? variables[value.name.value] : undefined;
  // No page size given (or null): the resolver pages by the argument's default, so the cost does too.
  n ??= definition?.args.find((arg) => arg.name === "first" || arg.name === "last")?.defaultValue;
  if (typeof n !== "number" || !Number.isFinite(n)) return 1;
  // A page outside 0..MAX_PAGE_SIZE is refused by its resolver (BAD_USER_INPUT) before any row is read and its
  // selection never runs: it counts once, so the client is told what is wrong with `first` rather than the cost.
  return n < 0 || n > MAX_PAGE_SIZE ? 1 : Math.max(n, 1);
}

/** The refusal: as the other query limits, HTTP 400 and GRAPHQL_VALIDATION_FAILED, before any resolver runs. */
export function costRefusal(maxCost: number, found: number): GraphQLError {
  return new GraphQLError(`Query refused: Query Cost limit of ${maxCost} exceeded, found ${Math.trunc(found)}.`, {
    extensions: { code: "GRAPHQL_VALIDATION_FAILED", http: { status: 400 } },
  });
}

/**
 * The refusal for this request, if any (undefined: within the limit, or variables that do not coerce, which
 * the caller answers with its own 400 before anything runs).
 */
export function checkCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown>,
  maxCost: number,
): GraphQLError | undefined {
  const found = foundCost(schema, document, operation, rawVariables);
  return found !== undefined && found > maxCost ? costRefusal(maxCost, found) : undefined;
}

const MAX_KNOWN = 256;
const MAX_KEY_LENGTH = 256;
// By schema, then by the operation's node (Apollo's document cache and the prepared operations keep one per document).
const knownBySchema = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, Map<string, number | undefined>>>();

/**
 * The operation's cost with these raw variables (undefined: they do not coerce). It depends on nothing else,
 * and clients send the same few variables (a page size) again and again: computed once per operation and
 * short variables.
 */
function foundCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, rawVariables: Record<string, unknown>): number | undefined {
  const known = knownCosts(schema, operation);
  const key = variablesKey(rawVariables);
  if (key !== undefined && known.has(key)) return known.get(key);
  const fragments = fragmentMap(document);
  let found: number | undefined;
  if (!costDependsOnVariables(operation, fragments)) found = operationCost(schema, operation, fragments, {});
  else {
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
    found = coerced.errors ? undefined : operationCost(schema, operation, fragments, coerced.coerced);
  }
  if (key !== undefined && known.size < MAX_KNOWN) known.set(key, found);
  return found;
}

function knownCosts(schema: GraphQLSchema, operation: OperationDefinitionNode): Map<string, number | undefined> {
  let byOperation = knownBySchema.get(schema);
  if (!byOperation) knownBySchema.set(schema, (byOperation = new WeakMap()));
  let known = byOperation.get(operation);
  if (!known) byOperation.set(operation, (known = new Map()));
  return known;
}

function variablesKey(rawVariables: Record<string, unknown>): string | undefined {
  try {
    const json = JSON.stringify(rawVariables);
    return json !== undefined && json.length <= MAX_KEY_LENGTH ? json : undefined;
  } catch {
    return undefined; // not JSON (a cycle, a BigInt): computed every time
  }
}

/** Apollo's side: refuses an operation over the cost once it is resolved, before it executes. */
export function costLimitPlugin(maxCost: number): ApolloServerPlugin {
  return {
    requestDidStart: async () => ({
      didResolveOperation: async ({ schema, document, operation, request }) => {
        if (!operation) return;
        const refusal = checkCost(schema, document, operation, request.variables ?? {}, maxCost);
        if (refusal) throw refusal;
      },
    }),
  };
}
