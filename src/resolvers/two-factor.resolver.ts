import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import type { Context } from "../context";
import { User } from "../entities/user.entity";
import { completeLogin } from "../two-factor/complete-login";
import * as twoFactor from "../two-factor/setup";
import { TwoFactorSetupType } from "./two-factor-setup.type";

@Resolver()
export class TwoFactorResolver {
  @Authorized()
  @Mutation(() => TwoFactorSetupType, { description: "A new secret and recovery codes; 2FA turns on at confirmTwoFactorSetup." })
  beginTwoFactorSetup(@Ctx() ctx: Context, @Arg("currentPassword") currentPassword: string): Promise<TwoFactorSetupType> {
    return twoFactor.beginTwoFactorSetup(ctx, currentPassword);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: "A current TOTP code turns 2FA on." })
  confirmTwoFactorSetup(@Ctx() ctx: Context, @Arg("code") code: string): Promise<boolean> {
    return twoFactor.confirmTwoFactorSetup(ctx, code);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: "code: a TOTP or recovery code." })
  disableTwoFactor(@Ctx() ctx: Context, @Arg("currentPassword") currentPassword: string, @Arg("code") code: string): Promise<boolean> {
    return twoFactor.disableTwoFactor(ctx, currentPassword, code);
  }

  @Authorized()
  @Mutation(() => [String], { description: "Ten new recovery codes; the old ones stop working. code: a TOTP or recovery code." })
  regenerateRecoveryCodes(@Ctx() ctx: Context, @Arg("currentPassword") currentPassword: string, @Arg("code") code: string): Promise<string[]> {
    return twoFactor.regenerateRecoveryCodes(ctx, currentPassword, code);
  }

  @Mutation(() => User, { description: "Finishes a login that answered SECOND_FACTOR_REQUIRED, with a TOTP or recovery code." })
  completeLogin(@Ctx() ctx: Context, @Arg("code") code: string): Promise<User> {
    return completeLogin(ctx, code);
  }
}
