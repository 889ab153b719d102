import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import * as cart from "../cart/cart";
import type { Context } from "../context";
import { CartView } from "./cart.type";

@Resolver()
export class CartResolver {
  @Query(() => CartView, { description: "The visitor's cart; reading it never starts a session." })
  cart(@Ctx() ctx: Context): Promise<CartView> {
    return cart.readCart(ctx);
  }

  @Mutation(() => CartView)
  addToCart(
    @Ctx() ctx: Context,
    @Arg("productId", () => ID) productId: string,
    @Arg("quantity", () => Int, { nullable: true, defaultValue: 1 }) quantity: number | null,
  ): Promise<CartView> {
    return cart.addToCart(ctx, productId, quantity ?? 1);
  }

  @Mutation(() => CartView, { description: "Quantity 0 removes the line." })
  setCartQuantity(
    @Ctx() ctx: Context,
    @Arg("productId", () => ID) productId: string,
    @Arg("quantity", () => Int) quantity: number,
  ): Promise<CartView> {
    return cart.setCartQuantity(ctx, productId, quantity);
  }

  @Mutation(() => CartView, { description: "A product that is not in the cart is a no-op." })
  removeFromCart(@Ctx() ctx: Context, @Arg("productId", () => ID) productId: string): Promise<CartView> {
    return cart.removeFromCart(ctx, productId);
  }

  @Mutation(() => CartView)
  clearCart(@Ctx() ctx: Context): Promise<CartView> {
    return cart.clearCart(ctx);
  }
}
