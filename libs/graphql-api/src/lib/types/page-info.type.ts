import { Field, ObjectType } from '@nestjs/graphql';

/** Relay's PageInfo, forward pagination only (newest first, like the REST cursor). */
@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page' })
  endCursor!: string | null;
}
