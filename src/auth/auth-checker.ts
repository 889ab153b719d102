import type { AuthCheckerInterface, ResolverData } from "type-graphql";
import type { Context } from "../context";
import { ForbiddenError, UnauthenticatedError } from "../errors";

/** `@Authorized()` means logged in; `@Authorized("ADMIN")` also needs that role. */
export class AuthChecker implements AuthCheckerInterface<Context> {
  check({ context }: ResolverData<Context>, roles: string[]): boolean {
    const { viewer } = context;
    if (!viewer) throw new UnauthenticatedError();
    if (roles.length && !roles.includes(viewer.role)) throw new ForbiddenError();
    return true;
  }
}
