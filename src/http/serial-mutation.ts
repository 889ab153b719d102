import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getDirectiveValues,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/**
 * graphql-js runs the root fields of a mutation one after another and stops at the first error that nulls
 * the result (nothing after it runs); graphql-jit queues them all and only trims the data at the end, so
 * every later field still runs its side effects. The fast path therefore runs a mutation of several root
 * fields as one compiled document per response key, in graphql-js's order, and stops where graphql-js
 * would. These helpers cut the document and find that order.
 */

type Fragments = ReadonlyMap<string, FragmentDefinitionNode>;

const responseKey = (field: FieldNode) => field.alias?.value ?? field.name.value;

export function fragmentsOf(document: DocumentNode): Fragments {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/** Every response key the operation's root may answer, in document order (fragments' fields included). */
export function rootResponseKeys(operation: OperationDefinitionNode, fragments: Fragments): string[] {
  const keys = new Set<string>();
  collect(operation.selectionSet, fragments, () => true, new Set(), keys);
  return [...keys];
}

/**
 * The root response keys that run for these (coerced) variables, in graphql-js's order: a key's place is
 * that of its first occurrence that @skip/@include leave in.
 */
export function includedRootKeys(operation: OperationDefinitionNode, fragments: Fragments, variables: Record<string, unknown>): string[] {
  const keys = new Set<string>();
  const included = (node: Parameters<typeof getDirectiveValues>[1]) =>
    getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
  collect(operation.selectionSet, fragments, included, new Set(), keys);
  return [...keys];
}

function collect(
  set: SelectionSetNode,
  fragments: Fragments,
  included: (node: Parameters<typeof getDirectiveValues>[1]) => boolean,
  visited: Set<string>,
  keys: Set<string>,
): void {
  for (const selection of set.selections) {
    if (!included(selection)) continue;
    if (selection.kind === Kind.FIELD) keys.add(responseKey(selection));
    else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet, fragments, included, visited, keys);
    else if (!visited.has(selection.name.value)) {
      // As graphql-js: a fragment spread twice in one selection set is collected once.
      visited.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) collect(fragment.selectionSet, fragments, included, visited, keys);
    }
  }
}

/**
 * The document reduced to this operation with only the root fields answering under `key`; a fragment
 * spread at the root becomes an inline fragment with the spread's directives, so @skip/@include still apply.
 */
export function documentForRootKey(document: DocumentNode, operation: OperationDefinitionNode, fragments: Fragments, key: string): DocumentNode {
  return {
    ...document,
    definitions: [{ ...operation, selectionSet: onlyKey(operation.selectionSet, fragments, key) }, ...fragments.values()],
  };
}

function onlyKey(set: SelectionSetNode, fragments: Fragments, key: string): SelectionSetNode {
  const selections: SelectionSetNode["selections"][number][] = [];
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (responseKey(selection) === key) selections.push(selection);
      continue;
    }
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
    if (!fragment) continue;
    const inner = onlyKey(fragment.selectionSet, fragments, key);
    if (inner.selections.length === 0) continue;
    selections.push({ kind: Kind.INLINE_FRAGMENT, typeCondition: fragment.typeCondition, directives: selection.directives, selectionSet: inner });
  }
  return { ...set, selections };
}
