import { ApolloProvider } from "@apollo/client/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createApolloClient } from "./apollo";
import { App } from "./App";
import { documentIdsByName } from "./document-ids";
import manifest from "./gql/persisted-documents.json";
import "./styles.css";

// Use the same host name for the app and the API (localhost with localhost, 127.0.0.1 with
// 127.0.0.1): the session cookie is SameSite=Lax, which a browser sends only within one site.
const apiUrl = import.meta.env.VITE_API_URL || "http://localhost:4000/graphql";
// Production builds send document ids, so the API may run with TRUSTED_DOCUMENTS_ONLY=true.
const documentIds = import.meta.env.PROD ? documentIdsByName(manifest) : undefined;

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ApolloProvider client={createApolloClient(apiUrl, undefined, documentIds)}>
      <App />
    </ApolloProvider>
  </StrictMode>,
);
