import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from "type-graphql";
import * as account from "../auth/account";
import type { Context } from "../context";
import { User } from "../entities/user.entity";
import type { UserFieldsRead } from "../entities/user-view";
import { RegisterInput } from "./register.input";

@Resolver()
export class AuthResolver {
  @Query(() => User, { nullable: true, description: "The logged-in user; null when not logged in." })
  me(@Ctx() ctx: Context): UserFieldsRead | null {
    return ctx.viewer;
  }

  @Mutation(() => User, { description: "Creates a USER and logs in as them." })
  register(@Ctx() ctx: Context, @Arg("input") input: RegisterInput): Promise<User> {
    return account.register(ctx, input);
  }

  @Mutation(() => User)
  login(
    @Ctx() ctx: Context,
    @Arg("email") email: string,
    @Arg("password") password: string,
    @Arg("rememberMe", () => Boolean, { nullable: true, defaultValue: false }) rememberMe: boolean | null,
  ): Promise<User> {
    return account.login(ctx, email, password, rememberMe ?? false);
  }

  @Mutation(() => Boolean, { description: "True if a session was ended." })
  logout(@Ctx() ctx: Context): Promise<boolean> {
    return account.logout(ctx);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: "Ends every other session of this user." })
  changePassword(
    @Ctx() ctx: Context,
    @Arg("currentPassword") currentPassword: string,
    @Arg("newPassword") newPassword: string,
  ): Promise<boolean> {
    return account.changePassword(ctx, currentPassword, newPassword);
  }
}
