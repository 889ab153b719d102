/** The contract's per-line bound. */
export const MAX_LINE_QUANTITY = 99;

/** Distinct products per cart: bounds the work of a cart read, a merge and a checkout. */
export const MAX_CART_LINES = 50;

/** A cart or order total must stay a GraphQL Int (2^31 - 1 cents); prices themselves are not capped below it. */
export const MAX_TOTAL_CENTS = 2_147_483_647;
