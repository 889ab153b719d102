import type { ApolloServerPlugin } from "@apollo/server";

/** Answers HTTP 503 when any error of the response is SERVICE_UNAVAILABLE, so proxies and clients can retry. */
export const serviceUnavailableStatus: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== "single") return;
        const errors = response.body.singleResult.errors ?? [];
        if (errors.some((e) => e.extensions?.code === "SERVICE_UNAVAILABLE")) response.http.status = 503;
      },
    };
  },
};
