import { Field, InputType } from "type-graphql";
import { Role } from "../entities/role";

@InputType()
export class CreateUserInput {
  @Field()
  email!: string;

  @Field()
  name!: string;

  @Field()
  password!: string;

  @Field(() => Role, { nullable: true, defaultValue: Role.USER })
  role!: Role | null;
}
