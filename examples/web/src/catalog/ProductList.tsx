import { useMutation, useQuery } from "@apollo/client/react";
import { useState, type FormEvent } from "react";
import { AddToCartMutation } from "../cart/operations";
import { shopperMessage } from "../errors";
import { formatCents } from "../money";
import { ErrorMessage } from "../ui/ErrorMessage";
import { ProductsQuery } from "./operations";

const PAGE_SIZE = 12;

/** The catalog, a page at a time: "Show more" appends the next page (relayStylePagination). */
export function ProductList() {
  const [search, setSearch] = useState("");
  const { data, error, loading, fetchMore } = useQuery(ProductsQuery, {
    variables: { first: PAGE_SIZE, search: search || null },
  });
  const products = data?.products;

  const onSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSearch(String(new FormData(event.currentTarget).get("search")).trim());
  };

  return (
    <section className="panel catalog">
      <header className="catalog-header">
        <h2>Products</h2>
        <form role="search" onSubmit={onSearch}>
          <input name="search" type="search" placeholder="Search by name or SKU" aria-label="Search products" />
          <button type="submit">Search</button>
        </form>
      </header>
      <ErrorMessage message={error ? shopperMessage(error) : null} />
      {products && (
        <p className="hint" data-testid="product-count">
          Showing {products.edges.length} of {products.totalCount} products
        </p>
      )}
      <ul className="products">
        {products?.edges.map(({ node }) => <ProductCard key={node.id} product={node} />)}
      </ul>
      {products?.pageInfo.hasNextPage && (
        <button
          type="button"
          disabled={loading}
          onClick={() => fetchMore({ variables: { after: products.pageInfo.endCursor } })}
        >
          Show more
        </button>
      )}
    </section>
  );
}

interface CardProduct {
  id: string;
  name: string;
  description: string;
  priceCents: number;
  stock: number;
}

function ProductCard({ product }: { product: CardProduct }) {
  const [addToCart, { loading }] = useMutation(AddToCartMutation);
  const [error, setError] = useState<string | null>(null);
  const onAdd = async () => {
    setError(null);
    try {
      await addToCart({ variables: { productId: product.id, quantity: 1 } });
    } catch (err) {
      setError(shopperMessage(err, { productName: () => product.name }));
    }
  };
  return (
    <li className="product" data-testid={`product-${product.id}`}>
      <h3>{product.name}</h3>
      <p className="description">{product.description}</p>
      <p className="price">{formatCents(product.priceCents)}</p>
      <p className="stock">{product.stock > 0 ? `${product.stock} in stock` : "Sold out"}</p>
      <button type="button" onClick={onAdd} disabled={loading || product.stock === 0}>
        Add to cart
      </button>
      <ErrorMessage message={error} />
    </li>
  );
}
