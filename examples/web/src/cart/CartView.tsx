import { useMutation, useQuery } from "@apollo/client/react";
import { useState } from "react";
import { errorCode, shopperMessage } from "../errors";
import { formatCents } from "../money";
import { ErrorMessage } from "../ui/ErrorMessage";
import { CartQuery, CheckoutMutation, RemoveFromCartMutation, SetCartQuantityMutation } from "./operations";

interface PlacedOrder {
  id: string;
  totalCents: number;
}

/** The visitor's cart, guest or member: change quantities, remove lines, check out. */
export function CartView({ loggedIn }: { loggedIn: boolean }) {
  const { data, error: loadError } = useQuery(CartQuery);
  const [setQuantity] = useMutation(SetCartQuantityMutation);
  const [remove] = useMutation(RemoveFromCartMutation);
  const [checkout, { loading: checkingOut }] = useMutation(CheckoutMutation, {
    // The server emptied the cart and wrote an order: refetch the one, drop the cached list of the other.
    refetchQueries: [CartQuery],
    awaitRefetchQueries: true,
    update: (cache) => {
      cache.evict({ fieldName: "orders" });
      cache.gc();
    },
  });
  const [error, setError] = useState<string | null>(null);
  const [placed, setPlaced] = useState<PlacedOrder | null>(null);
  const cart = data?.cart;
  const nameOf = (productId: string) => cart?.lines.find((l) => l.product.id === productId)?.product.name;

  const attempt = async (action: () => Promise<unknown>) => {
    setError(null);
    setPlaced(null);
    try {
      await action();
    } catch (err) {
      setError(
        errorCode(err) === "UNAUTHENTICATED"
          ? "Log in or create an account to check out. Your cart will be kept."
          : shopperMessage(err, { productName: nameOf }),
      );
    }
  };
  // Quantity 0 removes the line (API.md), so "−" on the last one empties it.
  const change = (productId: string, quantity: number) =>
    attempt(() => setQuantity({ variables: { productId, quantity } }));
  const onCheckout = () =>
    attempt(async () => {
      const result = await checkout();
      if (result.data) setPlaced(result.data.checkout);
    });

  return (
    <section className="panel cart" aria-label="Cart">
      <h2>
        Cart <span data-testid="cart-count">({cart?.itemCount ?? 0})</span>
      </h2>
      <ErrorMessage message={loadError ? shopperMessage(loadError) : null} />
      {placed && (
        <p className="success" role="status" data-testid="order-placed">
          Thank you! Order #{placed.id} is placed ({formatCents(placed.totalCents)}).
        </p>
      )}
      {cart && cart.lines.length === 0 && !placed && <p className="hint">Your cart is empty.</p>}
      <ul className="lines">
        {cart?.lines.map((line) => (
          <li key={line.product.id} data-testid={`line-${line.product.id}`}>
            <span className="line-name">{line.product.name}</span>
            <span className="quantity">
              <button type="button" aria-label={`One less ${line.product.name}`} onClick={() => change(line.product.id, line.quantity - 1)}>
                −
              </button>
              <span data-testid={`quantity-${line.product.id}`}>{line.quantity}</span>
              <button type="button" aria-label={`One more ${line.product.name}`} onClick={() => change(line.product.id, line.quantity + 1)}>
                +
              </button>
            </span>
            <span className="line-total">{formatCents(line.lineTotalCents)}</span>
            <button type="button" className="link" onClick={() => attempt(() => remove({ variables: { productId: line.product.id } }))}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      {cart && cart.lines.length > 0 && (
        <>
          <p className="total">
            Total <strong data-testid="cart-total">{formatCents(cart.totalCents)}</strong>
          </p>
          <button type="button" className="primary" onClick={onCheckout} disabled={checkingOut}>
            {loggedIn ? "Check out" : "Check out (log in first)"}
          </button>
        </>
      )}
      <ErrorMessage message={error} />
    </section>
  );
}
