/** The contract's per-line bound. */
export const MAX_LINE_QUANTITY = 99;

/** Distinct products per cart: bounds the work of a cart read, a merge and a checkout (and totals). */
export const MAX_CART_LINES = 50;
