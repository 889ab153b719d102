import { useQuery } from "@apollo/client/react";
import { AccountPanel } from "./auth/AccountPanel";
import { MeQuery } from "./auth/operations";
import { CartView } from "./cart/CartView";
import { ProductList } from "./catalog/ProductList";
import { OrderList } from "./orders/OrderList";
import { SecurityActivity } from "./security/SecurityActivity";
import { TwoFactorPanel } from "./security/TwoFactorPanel";
import { recoveryPage } from "./recovery/route";

export function App() {
  const page = recoveryPage(window.location);
  if (page) {
    return (
      <div className="app">
        <header className="top">
          <h1>sessiongraph shop</h1>
        </header>
        <main className="narrow">{page}</main>
      </div>
    );
  }
  return <Shop />;
}

function Shop() {
  const { data } = useQuery(MeQuery);
  const me = data?.me;
  return (
    <div className="app">
      <header className="top">
        <h1>sessiongraph shop</h1>
        <span data-testid="who">{me ? `Hello, ${me.name}` : "Browsing as a guest"}</span>
      </header>
      <main className="layout">
        <ProductList />
        <aside className="side">
          {/* Keyed by who is shopping: a message meant for the guest must not outlive the login. */}
          <CartView key={me?.id ?? "guest"} loggedIn={Boolean(me)} />
          <AccountPanel />
          {me && <OrderList />}
          {me && <TwoFactorPanel key={`2fa-${me.id}`} />}
          {me && <SecurityActivity key={`log-${me.id}`} />}
        </aside>
      </main>
    </div>
  );
}
