import { MAX_CART_LINES, MAX_LINE_QUANTITY, MAX_TOTAL_CENTS } from "./cart-limits";

/**
 * The text of the MySQL procedure cart_put_line: a line write (addToCart, setCartQuantity) in one round trip
 * (src/cart/cart-store.ts, putLine, says why). It locks and touches the cart, reads the product and the line,
 * and writes the line only when the rules of lineRefusal (src/cart/cart.ts) allow it, with the limits of
 * cart-limits.ts written into it; its first result row is what the API names the broken rule from. It commits
 * its own transaction, so a call inside an open one is refused rather than committing the caller's work.
 * Installed by a migration (migrations/mysql/Migration20261204233000.ts); a change here needs a new one.
 */
export function cartPutLineSql({ charset, collation }: { charset: string; collation: string }): string {
  return `create procedure cart_put_line(
  in p_user_id int unsigned,
  in p_session_key varchar(64) character set ${charset} collate ${collation},
  in p_product_id int unsigned,
  in p_quantity int,
  in p_adding boolean,
  in p_now datetime(3))
  modifies sql data
  sql security invoker
begin
  -- START TRANSACTION below would silently commit the caller's open transaction.
  if @@in_transaction then
    signal sqlstate '45000' set message_text = 'cart_put_line commits its own transaction: call it outside one';
  end if;
  begin
    declare v_cart int unsigned default null;
    declare v_touched datetime(3) default null;
    declare v_stock int default null;
    declare v_active boolean default null;
    declare v_price int default null;
    declare v_line_count int default null;
    declare v_in_cart int default null;
    declare v_other_total bigint default null;
    declare v_wanted int default null;
    declare v_outcome varchar(8);
    declare exit handler for sqlexception begin rollback; resignal; end;
    -- a select ... into that finds no row leaves its variables null; that is how absence is told here
    declare continue handler for not found begin end;

    start transaction;
    if p_user_id is not null then
      select id, updated_at into v_cart, v_touched from carts where user_id = p_user_id for update;
    else
      select id, updated_at into v_cart, v_touched from carts where session_key = p_session_key for update;
    end if;

    if v_cart is null then
      commit;
      set v_outcome = 'missing';
    else
      -- updated_at to the minute: rewriting an indexed column on every add was about a fifth of the call's CPU
      if v_touched < p_now - interval 1 minute then
        update carts set updated_at = p_now where id = v_cart;
      end if;
      select stock, active, price_cents into v_stock, v_active, v_price from products where id = p_product_id;
      select count(*), max(if(cl.product_id = p_product_id, cl.quantity, null)),
          coalesce(sum(if(cl.product_id = p_product_id, 0, cl.quantity * p.price_cents)), 0)
        into v_line_count, v_in_cart, v_other_total
        from cart_lines cl join products p on p.id = cl.product_id where cl.cart_id = v_cart;
      set v_wanted = if(p_adding, coalesce(v_in_cart, 0) + p_quantity, p_quantity);
      if v_stock is not null and v_active and v_wanted <= ${MAX_LINE_QUANTITY} and v_wanted <= v_stock
          and (v_in_cart is not null or v_line_count < ${MAX_CART_LINES})
          and (v_wanted * v_price <= coalesce(v_in_cart, 0) * v_price or v_other_total + v_wanted * v_price <= ${MAX_TOTAL_CENTS}) then
        insert into cart_lines (cart_id, product_id, quantity, created_at) values (v_cart, p_product_id, v_wanted, p_now)
          on duplicate key update quantity = v_wanted;
        commit;
        set v_outcome = 'applied';
      else
        rollback;
        set v_outcome = 'refused';
      end if;
    end if;

    select v_outcome as outcome, v_stock as stock, v_active as active, v_price as price_cents,
      v_line_count as line_count, v_in_cart as in_cart, v_other_total as other_total;
    -- The cart as the API answers it (src/cart/cart-view.ts reads the same columns the same way).
    if v_outcome = 'applied' then
      select cl.quantity, p.id, p.sku, p.name, p.description, p.price_cents, p.stock, p.active
        from cart_lines cl join products p on p.id = cl.product_id
        where cl.cart_id = v_cart order by cl.id asc;
    end if;
  end;
end`;
}
