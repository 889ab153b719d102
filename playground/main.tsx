import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import "graphiql/setup-workers/vite";
import "graphiql/style.css";
import { createRoot } from "react-dom/client";
import { DEFAULT_QUERY, DEFAULT_VARIABLES } from "./default-query";
import "./playground.css";

// The page is served at the GraphQL endpoint itself, so its own path is where queries go.
const url = window.location.pathname;

const fetcher = createGraphiQLFetcher({
  url,
  // The session is an HttpOnly cookie: the browser attaches it as long as credentials are sent.
  // createGraphiQLFetcher posts JSON, which is what the API's CSRF prevention requires.
  fetch: (input, init) => fetch(input, { ...init, credentials: "same-origin" }),
  // Plain fetch for everything: the API does not stream (@defer) responses.
  enableIncrementalDelivery: false,
});

createRoot(document.getElementById("graphiql")!).render(
  <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} defaultEditorToolsVisibility="variables" initialVariables={DEFAULT_VARIABLES} />,
);
