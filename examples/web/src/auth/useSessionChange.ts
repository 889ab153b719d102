import { useApolloClient } from "@apollo/client/react";
import { useCallback } from "react";

/**
 * Logging in, registering and logging out change whose data the cache holds: the guest cart
 * merges into the member's, orders appear or must disappear. Resetting the store drops it all
 * and refetches what is on screen, so nothing from the previous visitor lingers.
 */
export function useSessionChange(): () => Promise<void> {
  const client = useApolloClient();
  return useCallback(async () => {
    await client.resetStore();
  }, [client]);
}
