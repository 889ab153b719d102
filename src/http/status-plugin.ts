import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLFormattedError } from "graphql";

/** Whether a response's errors call for HTTP 503, so proxies and clients can retry. */
export const isServiceUnavailable = (errors: readonly GraphQLFormattedError[] = []) =>
  errors.some((e) => e.extensions?.code === "SERVICE_UNAVAILABLE");

/** Answers HTTP 503 when any error of the response is SERVICE_UNAVAILABLE. */
export const serviceUnavailableStatus: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind === "single" && isServiceUnavailable(response.body.singleResult.errors)) response.http.status = 503;
      },
    };
  },
};
