import { graphql } from "../gql";

export const ProductsQuery = graphql(`
  query Products($first: Int, $after: String, $search: String) {
    products(first: $first, after: $after, search: $search) {
      edges {
        cursor
        node {
          id
          sku
          name
          description
          priceCents
          stock
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
