import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import * as catalog from "../catalog/catalog";
import type { ProductRecord } from "../catalog/product-row";
import type { Context } from "../context";
import { Product } from "../entities/product.entity";
import { Role } from "../entities/role";
import { ConnectionType, type Connection } from "./connection.type";
import { ProductInput, UpdateProductInput } from "./product.input";

const ProductConnection = ConnectionType("Product", Product);

@Resolver(() => Product)
export class ProductResolver {
  @Query(() => Product, { nullable: true, description: "Null when there is no such product, or it is inactive (unless ADMIN)." })
  product(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<ProductRecord | null> {
    return catalog.visibleProduct(ctx, id);
  }

  @Query(() => ProductConnection, { description: "Active products (all for an ADMIN), oldest first." })
  products(
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("search", () => String, { nullable: true, description: "Case-insensitive substring of the name or SKU." })
    search: string | null,
  ): Promise<Connection<ProductRecord>> {
    return catalog.listProducts(ctx, { first: first ?? 20, after, search });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Product)
  createProduct(@Ctx() ctx: Context, @Arg("input") input: ProductInput): Promise<Product> {
    return catalog.createProduct(ctx, { ...input, description: input.description ?? "", active: input.active ?? true });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Product)
  updateProduct(@Ctx() ctx: Context, @Arg("id", () => ID) id: string, @Arg("input") input: UpdateProductInput): Promise<Product> {
    return catalog.updateProduct(ctx, id, { ...input });
  }
}
