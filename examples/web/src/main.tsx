import { ApolloProvider } from "@apollo/client/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createApolloClient } from "./apollo";
import { App } from "./App";
import "./styles.css";

// Use the same host name for the app and the API (localhost with localhost, 127.0.0.1 with
// 127.0.0.1): the session cookie is SameSite=Lax, which a browser sends only within one site.
const apiUrl = import.meta.env.VITE_API_URL || "http://localhost:4000/graphql";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ApolloProvider client={createApolloClient(apiUrl)}>
      <App />
    </ApolloProvider>
  </StrictMode>,
);
