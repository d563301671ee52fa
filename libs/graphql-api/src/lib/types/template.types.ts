import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { PageInfo } from './page-info.type';
import { DateTimeScalar, JsonScalar } from './scalars';

@ObjectType()
export class TemplateRef {
  @Field()
  name!: string;

  @Field()
  language!: string;
}

@ObjectType({ description: 'A template of one of your WABAs (REST: GET /v1/templates/{name})' })
export class Template {
  @Field(() => ID)
  id!: string;

  @Field()
  wabaId!: string;

  @Field()
  metaTemplateId!: string;

  @Field()
  name!: string;

  @Field()
  language!: string;

  @Field()
  category!: string;

  @Field({ description: 'APPROVED, PENDING, REJECTED, PAUSED, DISABLED, IN_APPEAL, ...' })
  status!: string;

  @Field(() => String, { nullable: true })
  rejectionReason!: string | null;

  @Field(() => String, { nullable: true })
  qualityScore!: string | null;

  @Field()
  parameterFormat!: string;

  @Field(() => JsonScalar, { description: "Meta's components, as synced" })
  components!: unknown[];

  @Field(() => JsonScalar, { description: 'the placeholders each component takes' })
  placeholders!: unknown;

  @Field(() => TemplateRef, { nullable: true, description: 'sent instead while this template is PAUSED or DISABLED' })
  backup!: TemplateRef | null;

  @Field(() => DateTimeScalar, { nullable: true })
  lastSyncedAt!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: string;

  @Field(() => DateTimeScalar)
  updatedAt!: string;
}

@ObjectType({ description: 'Templates by name and language' })
export class TemplateConnection {
  @Field(() => [Template])
  nodes!: Template[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@InputType({ description: 'The filters of GET /v1/templates' })
export class TemplateFilter {
  @Field({ nullable: true, description: 'APPROVED, PENDING, REJECTED, PAUSED, ...' })
  status?: string;

  @Field({ nullable: true, description: 'MARKETING, UTILITY or AUTHENTICATION' })
  category?: string;

  @Field({ nullable: true, description: 'exact code, e.g. en_US' })
  language?: string;

  @Field({ nullable: true, description: 'matches parts of names' })
  name?: string;

  @Field({ nullable: true, description: "Meta's WABA id" })
  wabaId?: string;
}

@ObjectType()
export class SyncError {
  @Field()
  code!: string;

  @Field()
  message!: string;
}

@ObjectType()
export class WabaSyncResult {
  @Field()
  wabaId!: string;

  @Field(() => Int)
  templates!: number;

  @Field(() => Int)
  removed!: number;

  @Field(() => SyncError, { nullable: true })
  error?: SyncError;
}

@ObjectType({ description: 'What a sync read from Graph' })
export class TemplateSyncResult {
  @Field(() => DateTimeScalar)
  syncedAt!: string;

  @Field(() => [WabaSyncResult])
  wabas!: WabaSyncResult[];

  @Field(() => Int)
  removedFromOtherWabas!: number;
}

@ObjectType()
export class LintIssue {
  @Field({ description: 'rule id' })
  rule!: string;

  @Field({ description: 'error or warning' })
  severity!: string;

  @Field()
  message!: string;

  @Field({ description: 'JSON path into the template, e.g. components[1].text' })
  path!: string;
}

@ObjectType({ description: "The template linter's verdict; nothing is submitted" })
export class LintResult {
  @Field()
  valid!: boolean;

  @Field(() => Int)
  errors!: number;

  @Field(() => Int)
  warnings!: number;

  @Field(() => [LintIssue])
  issues!: LintIssue[];
}
