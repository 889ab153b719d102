import { Field, InputType } from "type-graphql";
import { Role } from "../entities/role";
import { RegisterInput } from "./register.input";

/** What register takes, plus the role an ADMIN may choose. */
@InputType()
export class CreateUserInput extends RegisterInput {
  @Field(() => Role, { nullable: true, defaultValue: Role.USER })
  role!: Role | null;
}
