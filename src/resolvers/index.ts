import type { NonEmptyArray } from "type-graphql";
import { AuthResolver } from "./auth.resolver";
import { CartResolver } from "./cart.resolver";
import { OrderResolver } from "./order.resolver";
import { ProductResolver } from "./product.resolver";
import { RecoveryResolver } from "./recovery.resolver";
import { SessionResolver } from "./session.resolver";
import { UserResolver } from "./user.resolver";

export const resolvers: NonEmptyArray<Function> = [
  AuthResolver,
  SessionResolver,
  UserResolver,
  ProductResolver,
  CartResolver,
  OrderResolver,
  RecoveryResolver,
];
