const euros = new Intl.NumberFormat("en-IE", { style: "currency", currency: "EUR" });

/** Prices travel as integer cents (API.md); only the display turns them into money. */
export const formatCents = (cents: number): string => euros.format(cents / 100);
