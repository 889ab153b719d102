import { Migration } from '@mikro-orm/migrations';
import { sessionKeyCollation } from './support/session-key-collation';

/**
 * cart_put_line: a cart line write (addToCart, setCartQuantity) as one round trip. It takes the cart's row
 * lock, touches the cart, reads the product and the line, and writes the line only when the API's rules
 * allow it, in one transaction on the server. The rules are the ones src/cart/cart.ts applies on SQLite;
 * their limits come in as arguments, and the row it answers with is what the API turns into an error.
 * See src/cart/cart-store.ts (putLine) for why.
 */
export class Migration20261126230000 extends Migration {

  override async up(): Promise<void> {
    const { charset, collation } = await sessionKeyCollation(this);
    this.addSql(`create procedure cart_put_line(
  in p_user_id int unsigned,
  in p_session_key varchar(64) character set ${charset} collate ${collation},
  in p_product_id int unsigned,
  in p_quantity int,
  in p_adding boolean,
  in p_max_line_quantity int,
  in p_max_cart_lines int,
  in p_now datetime(3))
  modifies sql data
  sql security invoker
begin
  declare v_cart int unsigned default null;
  declare v_stock int default null;
  declare v_active boolean default null;
  declare v_line_count int default null;
  declare v_in_cart int default null;
  declare v_wanted int default null;
  declare v_outcome varchar(8);
  declare exit handler for sqlexception begin rollback; resignal; end;
  -- a select ... into that finds no row leaves its variables null; that is how absence is told here
  declare continue handler for not found begin end;

  start transaction;
  if p_user_id is not null then
    select id into v_cart from carts where user_id = p_user_id for update;
  else
    select id into v_cart from carts where session_key = p_session_key for update;
  end if;

  if v_cart is null then
    commit;
    set v_outcome = 'missing';
  else
    update carts set updated_at = p_now where id = v_cart;
    select p.stock, p.active,
        (select count(*) from cart_lines where cart_id = v_cart),
        (select quantity from cart_lines where cart_id = v_cart and product_id = p_product_id)
      into v_stock, v_active, v_line_count, v_in_cart
      from products p where p.id = p_product_id;
    set v_wanted = if(p_adding, coalesce(v_in_cart, 0) + p_quantity, p_quantity);
    if v_stock is not null and v_active and v_wanted <= p_max_line_quantity and v_wanted <= v_stock
        and (v_in_cart is not null or v_line_count < p_max_cart_lines) then
      insert into cart_lines (cart_id, product_id, quantity, created_at) values (v_cart, p_product_id, v_wanted, p_now)
        on duplicate key update quantity = v_wanted;
      commit;
      set v_outcome = 'applied';
    else
      rollback;
      set v_outcome = 'refused';
    end if;
  end if;

  select v_outcome as outcome, v_stock as stock, v_active as active, v_line_count as line_count, v_in_cart as in_cart;
end`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop procedure if exists cart_put_line;`);
  }

}
