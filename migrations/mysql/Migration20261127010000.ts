import { Migration } from '@mikro-orm/migrations';
import { Migration20261126230000 } from './Migration20261126230000';
import { sessionKeyCollation } from './support/session-key-collation';

/**
 * cart_put_line answers an applied write with the cart's lines as well, as a second result set: addToCart
 * and setCartQuantity then need no second round trip to read the cart back (src/cart/cart-store.ts, putLine).
 * It also costs MariaDB less: carts.updated_at (indexed, read by the sweep of abandoned carts) is rewritten
 * only when it is a minute old, and the cart's lines are counted and the product's line read in one pass.
 * The rules are those of Migration20261126230000.
 */
export class Migration20261127010000 extends Migration {

  override async up(): Promise<void> {
    const { charset, collation } = await sessionKeyCollation(this);
    this.addSql(`drop procedure if exists cart_put_line;`);
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
  declare v_touched datetime(3) default null;
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
    select stock, active into v_stock, v_active from products where id = p_product_id;
    select count(*), max(if(product_id = p_product_id, quantity, null)) into v_line_count, v_in_cart
      from cart_lines where cart_id = v_cart;
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
  -- The cart as the API answers it (src/cart/cart-view.ts reads the same columns the same way).
  if v_outcome = 'applied' then
    select cl.quantity, p.id, p.sku, p.name, p.description, p.price_cents, p.stock, p.active
      from cart_lines cl join products p on p.id = cl.product_id
      where cl.cart_id = v_cart order by cl.id asc;
  end if;
end`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop procedure if exists cart_put_line;`);
    const previous = new Migration20261126230000(this.driver, this.config);
    await previous.up();
    for (const sql of previous.getQueries()) this.addSql(sql);
  }

}
