import type { RequestHandler } from "express";
import { sendJson } from "./send-json";

/**
 * Answers SERVICE_UNAVAILABLE (503) when a request has not been answered in time. Failing connections are
 * refused fast by the clients' own timeouts; this covers the other way a dependency fails, hanging (a
 * stalled MySQL or Redis, a network that drops packets), where a query would otherwise wait for TCP to
 * give up. The work may still finish afterwards: the client is then told 503 for something that did
 * happen, never success for something that did not. The session is left as it was: express-session
 * neither saves nor destroys it for this response.
 */
export function requestDeadline(ms: number): RequestHandler {
  return (req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      req.log?.warn({ deadlineMs: ms }, "request timed out waiting for a dependency");
      delete (req as { sessionID?: string }).sessionID;
      const body = { errors: [{ message: "A backing service did not answer in time. Try again shortly.", extensions: { code: "SERVICE_UNAVAILABLE" } }] };
      sendJson(res, 503, JSON.stringify(body));
    }, ms);
    timer.unref();
    // 'close' comes once per response, whether it was sent in full or cut off.
    res.once("close", () => clearTimeout(timer));
    next();
  };
}
