import { graphql } from "../gql";

export const OrdersQuery = graphql(`
  query Orders($first: Int, $after: String) {
    orders(first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          createdAt
          totalCents
          lines {
            productName
            quantity
            unitPriceCents
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      totalCount
    }
  }
`);
