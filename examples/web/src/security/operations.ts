import { graphql } from "../gql";

export const CompleteLoginMutation = graphql(`
  mutation CompleteLogin($code: String!) {
    completeLogin(code: $code) {
      id
      email
      name
      role
    }
  }
`);

export const TwoFactorStatusQuery = graphql(`
  query TwoFactorStatus {
    me {
      id
      twoFactorEnabled
    }
  }
`);

export const BeginTwoFactorSetupMutation = graphql(`
  mutation BeginTwoFactorSetup($currentPassword: String!) {
    beginTwoFactorSetup(currentPassword: $currentPassword) {
      secret
      otpauthUrl
      recoveryCodes
    }
  }
`);

export const ConfirmTwoFactorSetupMutation = graphql(`
  mutation ConfirmTwoFactorSetup($code: String!) {
    confirmTwoFactorSetup(code: $code)
  }
`);

export const DisableTwoFactorMutation = graphql(`
  mutation DisableTwoFactor($currentPassword: String!, $code: String!) {
    disableTwoFactor(currentPassword: $currentPassword, code: $code)
  }
`);

export const SecurityEventsQuery = graphql(`
  query SecurityEvents($first: Int, $after: String) {
    securityEvents(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          type
          createdAt
          ip
          userAgent
          actorId
        }
      }
    }
  }
`);
