import { graphql } from "../gql";

// Every cart mutation answers with the whole cart, and the cache keeps one Cart (apollo.ts),
// so selecting the same fields everywhere keeps the page consistent without refetching.
export const CartFieldsFragment = graphql(`
  fragment CartFields on Cart {
    itemCount
    totalCents
    lines {
      quantity
      lineTotalCents
      product {
        id
        name
        priceCents
        stock
      }
    }
  }
`);

export const CartQuery = graphql(`
  query Cart {
    cart {
      ...CartFields
    }
  }
`);

export const AddToCartMutation = graphql(`
  mutation AddToCart($productId: ID!, $quantity: Int) {
    addToCart(productId: $productId, quantity: $quantity) {
      ...CartFields
    }
  }
`);

export const SetCartQuantityMutation = graphql(`
  mutation SetCartQuantity($productId: ID!, $quantity: Int!) {
    setCartQuantity(productId: $productId, quantity: $quantity) {
      ...CartFields
    }
  }
`);

export const RemoveFromCartMutation = graphql(`
  mutation RemoveFromCart($productId: ID!) {
    removeFromCart(productId: $productId) {
      ...CartFields
    }
  }
`);

export const CheckoutMutation = graphql(`
  mutation Checkout {
    checkout {
      id
      createdAt
      totalCents
      lines {
        productName
        quantity
        unitPriceCents
        # The new stock lands on the cached Product by id, so the catalog shows it at once.
        product {
          id
          stock
        }
      }
    }
  }
`);
