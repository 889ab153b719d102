import { Field, InputType } from "type-graphql";
import { Role } from "../entities/role";

/** Only the fields given change; a null is the same as leaving the field out. */
@InputType()
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => Role, { nullable: true, description: "ADMIN only, except to repeat one's current role." })
  role?: Role | null;

  @Field(() => String, { nullable: true, description: "Required to change one's own email; not for an ADMIN changing someone else's." })
  currentPassword?: string | null;
}
