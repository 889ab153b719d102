import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import type { Context } from "../context";
import { User } from "../entities/user.entity";
import * as verification from "../recovery/email-verification";
import * as reset from "../recovery/password-reset";

@Resolver()
export class RecoveryResolver {
  @Mutation(() => Boolean, { description: "Always true, whether or not the email belongs to an account; a reset link goes to it if it does." })
  requestPasswordReset(@Ctx() ctx: Context, @Arg("email") email: string): Promise<boolean> {
    return reset.requestPasswordReset(ctx, email);
  }

  @Mutation(() => Boolean, { description: "Sets a new password with a reset link's token; ends every session of the account and logs nobody in." })
  resetPassword(@Ctx() ctx: Context, @Arg("token") token: string, @Arg("newPassword") newPassword: string): Promise<boolean> {
    return reset.resetPassword(ctx, token, newPassword);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: "Sends a new verification link; false when the email is already verified." })
  requestEmailVerification(@Ctx() ctx: Context): Promise<boolean> {
    return verification.requestEmailVerification(ctx);
  }

  @Mutation(() => User, { description: "Marks the address a verification link was sent to as verified." })
  verifyEmail(@Ctx() ctx: Context, @Arg("token") token: string): Promise<User> {
    return verification.verifyEmail(ctx, token);
  }
}
