import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import type { TemplateOperationKind, TemplateOperationState } from '@switchboard/template-registry';
import { TemplateOperationKindEnum, TemplateOperationStateEnum } from './enums';
import { MetaErrorRef } from './message.types';
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

@ObjectType({ description: "Why a template operation failed: the taxonomy code and, when Graph refused, Meta's error" })
export class TemplateOperationError {
  @Field({ description: 'taxonomy code, e.g. template_already_exists' })
  code!: string;

  @Field()
  message!: string;

  @Field(() => MetaErrorRef, { nullable: true })
  meta?: MetaErrorRef;
}

@ObjectType({ description: 'A queued template sync, creation or deletion (REST: GET /v1/template-operations/{id})' })
export class TemplateOperation {
  @Field(() => ID)
  id!: string;

  @Field(() => TemplateOperationKindEnum)
  kind!: TemplateOperationKind;

  @Field(() => TemplateOperationStateEnum)
  state!: TemplateOperationState;

  @Field(() => String, { nullable: true, description: 'the WABA of a create or delete' })
  wabaId!: string | null;

  @Field(() => String, { nullable: true, description: 'template name of a create or delete' })
  name!: string | null;

  @Field(() => String, { nullable: true })
  language!: string | null;

  @Field(() => JsonScalar, { nullable: true, description: "once succeeded: REST's result (sync counts, created template and lint, rows deleted)" })
  result!: unknown;

  @Field(() => TemplateOperationError, { nullable: true })
  error!: TemplateOperationError | null;

  @Field(() => Int)
  attempts!: number;

  @Field(() => DateTimeScalar)
  createdAt!: string;

  @Field(() => DateTimeScalar)
  updatedAt!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: string | null;
}

@ObjectType({ description: 'A sync of the registry from Graph, queued: follow `operation` (query templateOperation) for its outcome' })
export class TemplateSyncResult {
  @Field(() => DateTimeScalar, { nullable: true, description: 'null until the queued sync has run; read templateOperation(id).result' })
  syncedAt!: string | null;

  @Field(() => [WabaSyncResult], { description: 'empty until the queued sync has run; read templateOperation(id).result' })
  wabas!: WabaSyncResult[];

  @Field(() => Int, { description: '0 until the queued sync has run' })
  removedFromOtherWabas!: number;

  @Field(() => TemplateOperation, { description: 'the queued (or already queued or running) sync' })
  operation!: TemplateOperation;
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
