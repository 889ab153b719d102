import { Field, InputType, Int } from "type-graphql";

@InputType()
export class ProductInput {
  @Field({ description: "Letters, digits, '.', '_' and '-'; case-insensitive (stored upper-cased)." })
  sku!: string;

  @Field()
  name!: string;

  @Field({ nullable: true, defaultValue: "" })
  description!: string;

  @Field(() => Int, { description: "Integer cents." })
  priceCents!: number;

  @Field(() => Int)
  stock!: number;

  @Field({ nullable: true, defaultValue: true })
  active!: boolean;
}

/** Only the fields given change; a field given as null stays as it is. */
@InputType()
export class UpdateProductInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Int, { nullable: true })
  priceCents?: number | null;

  @Field(() => Int, { nullable: true })
  stock?: number | null;

  @Field(() => Boolean, { nullable: true })
  active?: boolean | null;
}
