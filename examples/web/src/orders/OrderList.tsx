import { useQuery } from "@apollo/client/react";
import { shopperMessage } from "../errors";
import { formatCents } from "../money";
import { ErrorMessage } from "../ui/ErrorMessage";
import { OrdersQuery } from "./operations";

const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" });

/** The member's orders, newest first, at the prices they were placed at. */
export function OrderList() {
  const { data, error, loading, fetchMore } = useQuery(OrdersQuery, { variables: { first: 10 } });
  const orders = data?.orders;
  return (
    <section className="panel orders" aria-label="Your orders">
      <h2>Your orders</h2>
      <ErrorMessage message={error ? shopperMessage(error) : null} />
      {orders && orders.totalCount === 0 && <p className="hint">No orders yet.</p>}
      <ul>
        {orders?.edges.map(({ node: order }) => (
          <li key={order.id} data-testid={`order-${order.id}`}>
            <p>
              <strong>Order #{order.id}</strong> · {dateTime.format(new Date(order.createdAt))} ·{" "}
              {formatCents(order.totalCents)}
            </p>
            <ul className="order-lines">
              {order.lines.map((line, i) => (
                <li key={i}>
                  {line.quantity} × {line.productName} at {formatCents(line.unitPriceCents)}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      {orders?.pageInfo.hasNextPage && (
        <button type="button" disabled={loading} onClick={() => fetchMore({ variables: { after: orders.pageInfo.endCursor } })}>
          Older orders
        </button>
      )}
    </section>
  );
}
