import type { NonEmptyArray } from "type-graphql";
import { AuthResolver } from "./auth.resolver";
import { CartResolver } from "./cart.resolver";
import { OrderResolver } from "./order.resolver";
import { ProductResolver } from "./product.resolver";
import { SecurityEventResolver } from "./security-event.resolver";
import { RecoveryResolver } from "./recovery.resolver";
import { SessionResolver } from "./session.resolver";
import { TwoFactorResolver } from "./two-factor.resolver";
import { UserResolver } from "./user.resolver";

export const resolvers: NonEmptyArray<Function> = [
  AuthResolver,
  SessionResolver,
  UserResolver,
  ProductResolver,
  CartResolver,
  OrderResolver,
  TwoFactorResolver,
  SecurityEventResolver,
  RecoveryResolver,
];
