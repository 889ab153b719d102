import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../context";
import * as userAdmin from "../users/user-admin";
import { User } from "../entities/user.entity";
import type { Connection } from "./connection.type";
import { CreateUserInput } from "./create-user.input";
import { UpdateUserInput } from "./update-user.input";
import { UserConnection } from "./user-connection.type";

@Resolver()
export class UserResolver {
  @Authorized()
  @Query(() => User, { nullable: true, description: "Self or ADMIN; null when no such user." })
  user(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<User | null> {
    return userAdmin.findUser(ctx, id);
  }

  @Authorized("ADMIN")
  @Query(() => UserConnection, { description: "Oldest first. `search` matches name or email, ignoring case." })
  users(
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: userAdmin.DEFAULT_PAGE_SIZE }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("search", () => String, { nullable: true }) search: string | null,
  ): Promise<Connection<User>> {
    return userAdmin.listUsers(ctx, { first, after, search });
  }

  @Authorized("ADMIN")
  @Mutation(() => User)
  createUser(@Ctx() ctx: Context, @Arg("input") input: CreateUserInput): Promise<User> {
    return userAdmin.createUser(ctx, input);
  }

  @Authorized()
  @Mutation(() => User, { description: "Self (email, name) or ADMIN (anything). A role change ends the user's sessions." })
  updateUser(@Ctx() ctx: Context, @Arg("id", () => ID) id: string, @Arg("input") input: UpdateUserInput): Promise<User> {
    return userAdmin.updateUser(ctx, id, input);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: "Self or ADMIN. Ends the user's sessions; deleting oneself logs out." })
  deleteUser(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<boolean> {
    return userAdmin.deleteUser(ctx, id);
  }
}
