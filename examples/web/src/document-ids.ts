/**
 * Trusted documents (the API's TRUSTED_DOCUMENTS): a production build sends `{"documentId": ...}` in place
 * of the query text, with the ids of gql/persisted-documents.json, which `npm run codegen` writes from the
 * same documents as the typed ones. The API can then refuse every document that is not the app's.
 */

/**
 * Operation name -> document id, from the manifest (the app's operation names are unique: codegen checks).
 * A document is its operation and the fragments it spreads, which may come first.
 */
export function documentIdsByName(manifest: Record<string, string>): Map<string, string> {
  const ids = new Map<string, string>();
  for (const [id, text] of Object.entries(manifest)) {
    const name = /(?:^|[\s}])(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)\s*[({@]/.exec(text)?.[1];
    if (name) ids.set(name, id);
  }
  return ids;
}

/** A fetch that replaces a known operation's query text with its document id. */
export function sendingDocumentIds(fetchImpl: typeof fetch, ids: Map<string, string>): typeof fetch {
  return (input, init) => {
    if (typeof init?.body !== "string") return fetchImpl(input, init);
    const { query, ...rest } = JSON.parse(init.body) as { query?: string; operationName?: string };
    const documentId = rest.operationName === undefined ? undefined : ids.get(rest.operationName);
    if (!documentId || query === undefined) return fetchImpl(input, init);
    return fetchImpl(input, { ...init, body: JSON.stringify({ documentId, ...rest }) });
  };
}
