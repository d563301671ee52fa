import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { Environment } from '@switchboard/tenancy';
import { EnvironmentEnum } from './enums';
import { DateTimeScalar } from './scalars';

@ObjectType({ description: 'A business unit' })
export class Tenant {
  @Field(() => ID)
  id!: string;

  @Field()
  slug!: string;

  @Field()
  name!: string;

  @Field(() => DateTimeScalar)
  createdAt!: string;
}

@ObjectType({ description: 'Who this API key speaks for' })
export class Me {
  @Field(() => Tenant)
  tenant!: Tenant;

  @Field(() => EnvironmentEnum)
  environment!: Environment;

  @Field(() => ID)
  keyId!: string;
}

@ObjectType({ description: 'A number this environment sends from (REST: GET /v1/phone-numbers)' })
export class PhoneNumber {
  @Field(() => ID)
  id!: string;

  @Field({ description: "Meta's phone_number_id: the `from` of a send" })
  phoneNumberId!: string;

  @Field()
  displayPhoneNumber!: string;

  @Field()
  wabaId!: string;

  @Field(() => String, { nullable: true })
  verifiedName!: string | null;

  @Field(() => String, { nullable: true, description: 'GREEN, YELLOW, RED or UNKNOWN' })
  qualityRating!: string | null;

  @Field(() => String, { nullable: true })
  status!: string | null;

  @Field(() => String, { nullable: true, description: 'TIER_250, TIER_2K, ..., TIER_UNLIMITED' })
  messagingLimit!: string | null;

  @Field(() => Int)
  throughputMps!: number;

  @Field()
  testNumber!: boolean;

  @Field(() => DateTimeScalar, { nullable: true })
  syncedAt!: string | null;
}

@ObjectType({ description: "A contact's 24 h customer-service window with one of your numbers" })
export class ConversationWindow {
  @Field()
  open!: boolean;

  @Field(() => DateTimeScalar, { nullable: true })
  expiresAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  lastInboundAt!: string | null;
}

@ObjectType({ description: 'A recipient this environment must not message' })
export class Suppression {
  @Field()
  waId!: string;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field({ description: 'manual, opt_out, meta_error, ...' })
  source!: string;

  @Field(() => DateTimeScalar)
  createdAt!: string;
}
