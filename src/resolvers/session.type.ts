import { Field, ID, ObjectType } from "type-graphql";

@ObjectType("Session", { simpleResolvers: true, description: "One of the logged-in user's live sessions." })
export class SessionInfo {
  @Field(() => ID, { description: "An opaque id for revokeSession; not the cookie's value." })
  id!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { description: "Updated at most once a minute." })
  lastSeenAt!: Date;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field({ description: "True for the session making this request." })
  current!: boolean;
}
