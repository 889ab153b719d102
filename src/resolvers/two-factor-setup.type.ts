import { Field, ObjectType } from "type-graphql";

@ObjectType("TwoFactorSetup", { simpleResolvers: true, description: "Shown once: store the secret in an authenticator app and keep the codes." })
export class TwoFactorSetupType {
  @Field({ description: "The TOTP secret, base32." })
  secret!: string;

  @Field({ description: "The otpauth:// URL to show as a QR code." })
  otpauthUrl!: string;

  @Field(() => [String], { description: "Ten single-use recovery codes." })
  recoveryCodes!: string[];
}
