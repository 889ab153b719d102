import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from "type-graphql";
import type { Context } from "../context";
import { SecurityEvent } from "../entities/security-event.entity";
import { DEFAULT_PAGE_SIZE } from "../users/user-admin";
import { listSecurityEvents } from "../security-log/list";
import { ConnectionType, type Connection } from "./connection.type";

const SecurityEventConnection = ConnectionType("SecurityEvent", SecurityEvent);

@Resolver()
export class SecurityEventResolver {
  @Authorized()
  @Query(() => SecurityEventConnection, { description: "A security log, newest first: one's own, or anyone's for an ADMIN." })
  securityEvents(
    @Ctx() ctx: Context,
    @Arg("userId", () => ID, { nullable: true }) userId: string | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: DEFAULT_PAGE_SIZE }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<Connection<SecurityEvent>> {
    return listSecurityEvents(ctx, { userId, first: first ?? DEFAULT_PAGE_SIZE, after });
  }
}
