import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { requireUser, type Context } from "../context";
import { logoutOtherSessions, revokeSession } from "../auth/own-sessions";
import { SessionInfo } from "./session.type";

@Resolver()
export class SessionResolver {
  @Authorized()
  @Query(() => [SessionInfo], { description: "The logged-in user's live sessions, most recently used first." })
  async sessions(@Ctx() ctx: Context): Promise<SessionInfo[]> {
    const live = await ctx.services.sessions.list(requireUser(ctx).id);
    return live.map(({ publicId, data }) => ({
      id: publicId,
      createdAt: new Date(data.createdAt),
      lastSeenAt: new Date(data.lastSeenAt),
      userAgent: data.userAgent ?? null,
      current: publicId === ctx.session.publicId,
    }));
  }

  @Authorized()
  @Mutation(() => Boolean)
  revokeSession(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<boolean> {
    return revokeSession(ctx, id);
  }

  @Authorized()
  @Mutation(() => Int, { description: "Ends every session of this user but the current one; returns how many ended." })
  logoutOtherSessions(@Ctx() ctx: Context): Promise<number> {
    return logoutOtherSessions(ctx);
  }
}
