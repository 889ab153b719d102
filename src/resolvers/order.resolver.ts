import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../context";
import { OrderLine } from "../entities/order-line.entity";
import { Order } from "../entities/order.entity";
import { checkout } from "../orders/checkout";
import { listOrders } from "../orders/orders";
import { ConnectionType, type Connection } from "./connection.type";

const OrderConnection = ConnectionType("Order", Order);

@Resolver(() => Order)
export class OrderResolver {
  @Authorized()
  @Query(() => OrderConnection, { description: "The caller's own orders, newest first." })
  orders(
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<Connection<Order>> {
    return listOrders(ctx, { first: first ?? 20, after });
  }

  @Authorized()
  @Mutation(() => Order, { description: "All or nothing: the whole cart at current prices, or an error and no change." })
  checkout(@Ctx() ctx: Context): Promise<Order> {
    return checkout(ctx);
  }

  // Loaded with the order (one query per page of orders), so this only hands them over.
  @FieldResolver(() => [OrderLine])
  lines(@Root() order: Order): OrderLine[] {
    return order.lines.getItems();
  }
}
