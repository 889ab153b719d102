import { LoadStrategy, type EntityManager } from "@mikro-orm/core";
import { requireUser, type Context } from "../context";
import { Order } from "../entities/order.entity";
import { paginate, type Connection, type PageArgs } from "../db/pagination";

/** The caller's own orders, newest first, each with its lines and their products. */
export async function listOrders(ctx: Context, args: PageArgs): Promise<Connection<Order>> {
  const user = requireUser(ctx);
  const page = await paginate(ctx.em, Order, { user: user.id }, args, "desc");
  // One query for the lines (and their products) of the whole page, not one per order.
  await ctx.em.populate(
    page.edges.map((edge) => edge.node),
    ["lines.product"],
    { strategy: LoadStrategy.JOINED },
  );
  return page;
}

export function loadOrder(em: EntityManager, id: number): Promise<Order> {
  return em.findOneOrFail(Order, id, { populate: ["lines.product"], strategy: LoadStrategy.JOINED });
}
