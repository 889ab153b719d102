import type { ServerResponse } from "node:http";

/** Answers a JSON body with Node's own API, so it works with and without Express (graphql-front.ts). */
export function sendJson(res: ServerResponse, status: number, body: string, contentType = "application/json; charset=utf-8"): void {
  res.statusCode = status;
  res.setHeader("content-type", contentType);
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(body);
}
