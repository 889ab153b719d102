import { ApolloClient, HttpLink, InMemoryCache } from "@apollo/client";
import { relayStylePagination } from "@apollo/client/utilities";
import { sendingDocumentIds } from "./document-ids";

/**
 * The app is on another origin than the API, so the session cookie goes along only with
 * credentials: "include" (and the API must list this origin in CORS_ORIGINS). `fetch` is for
 * running the same client outside a browser (the API's tests pass one with a cookie jar).
 * `documentIds` (operation name -> id, document-ids.ts): send ids instead of query texts, as production
 * builds do (main.tsx).
 */
export function createApolloClient(uri: string, fetch?: typeof globalThis.fetch, documentIds?: Map<string, string>): ApolloClient {
  const send = documentIds ? sendingDocumentIds(fetch ?? globalThis.fetch.bind(globalThis), documentIds) : fetch;
  return new ApolloClient({
    link: new HttpLink({ uri, credentials: "include", fetch: send }),
    cache: new InMemoryCache({
      typePolicies: {
        Query: {
          fields: {
            // Pages of one search are merged into one list; another search is another list.
            products: relayStylePagination(["search"]),
            orders: relayStylePagination(),
            securityEvents: relayStylePagination(["userId"]),
          },
        },
        // A visitor has exactly one cart and Cart has no id: every Cart the API returns (from a
        // query or any cart mutation) is that one object, so the whole page updates at once.
        Cart: { keyFields: [] },
      },
    }),
  });
}
