import { useQuery } from "@apollo/client/react";
import { shopperMessage } from "../errors";
import { ErrorMessage } from "../ui/ErrorMessage";
import { SecurityEventsQuery } from "./operations";

const LABELS: Record<string, string> = {
  LOGIN_SUCCEEDED: "Logged in",
  LOGIN_FAILED: "Failed login",
  LOGIN_THROTTLED: "Logins paused after too many failures",
  LOGOUT: "Logged out",
  SESSION_REVOKED: "A session was ended",
  SESSIONS_ENDED: "All other sessions were ended",
  PASSWORD_CHANGED: "Password changed",
  PASSWORD_RESET_REQUESTED: "Password reset requested",
  PASSWORD_RESET: "Password reset",
  EMAIL_CHANGED: "Email changed",
  EMAIL_VERIFIED: "Email verified",
  ROLE_CHANGED: "Role changed",
  USER_CREATED: "Account created",
  USER_DELETED: "Account deleted",
  TWO_FACTOR_ENABLED: "Two-factor turned on",
  TWO_FACTOR_DISABLED: "Two-factor turned off",
  RECOVERY_CODES_REGENERATED: "New recovery codes",
  RECOVERY_CODE_USED: "A recovery code was used",
};

/** The member's security log, newest first, a page at a time (relayStylePagination merges the pages). */
export function SecurityActivity() {
  const { data, error, fetchMore } = useQuery(SecurityEventsQuery, { variables: { first: 10 }, fetchPolicy: "cache-and-network" });
  const events = data?.securityEvents;
  return (
    <section className="panel" aria-label="Security activity">
      <h2>Security activity</h2>
      <ErrorMessage message={error ? shopperMessage(error) : null} />
      <ul className="security-events" data-testid="security-events">
        {events?.edges.map(({ node }) => (
          <li key={node.id} data-type={node.type}>
            <strong>{LABELS[node.type] ?? node.type}</strong>{" "}
            <time dateTime={String(node.createdAt)}>{new Date(String(node.createdAt)).toLocaleString()}</time>
            <br />
            <small>
              {node.ip ?? "unknown address"} · {node.userAgent ?? "unknown browser"}
              {node.actorId ? " · by an administrator" : ""}
            </small>
          </li>
        ))}
      </ul>
      {events?.pageInfo.hasNextPage && (
        <button type="button" onClick={() => void fetchMore({ variables: { after: events.pageInfo.endCursor } })}>
          Show older
        </button>
      )}
    </section>
  );
}
