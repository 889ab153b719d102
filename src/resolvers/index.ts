import type { NonEmptyArray } from "type-graphql";
import { AuthResolver } from "./auth.resolver";
import { SessionResolver } from "./session.resolver";
import { UserResolver } from "./user.resolver";

export const resolvers: NonEmptyArray<Function> = [AuthResolver, SessionResolver, UserResolver];
