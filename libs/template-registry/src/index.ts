export * from './lib/waba-access.port';
export * from './lib/template-registry.constants';
export * from './lib/template-registry.module';
export * from './lib/static-waba-access.resolver';
export * from './lib/placeholders/placeholder.scanner';
export * from './lib/placeholders/placeholder-map';
export * from './lib/lint/lint-rules';
export * from './lib/lint/template-linter';
export { TEMPLATE_LANGUAGES, TEMPLATE_CATEGORIES, type TemplateCategory } from './lib/lint/template-languages';
export * from './lib/send/template-send.checker';
export * from './lib/send/template-pre-send.service';
export * from './lib/sync/template-sync.service';
export * from './lib/sync/template-status.service';
export * from './lib/sync/template-webhook';
export * from './lib/scheduling/template-sync.scheduler';
export * from './lib/scheduling/template-sync.processor';
export { TemplateEntity, type TemplateStatusDetail, type TemplateCategoryChange } from './lib/persistence/template.entity';
export { TemplatesService } from './lib/http/templates.service';
export { TemplateOperationRunner } from './lib/operations/template-operation.runner';
export { templateOperationViewSchema, type TemplateOperationView } from './lib/operations/template-operation.view';
export {
  TemplateOperationEntity,
  TEMPLATE_OPERATION_KINDS,
  TEMPLATE_OPERATION_STATES,
  type TemplateOperationKind,
  type TemplateOperationState,
} from './lib/persistence/template-operation.entity';
export { templateViewSchema, type TemplateView } from './lib/http/template.view';
export { listTemplatesQuerySchema, oneTemplateQuerySchema, lintResultSchema, syncResultSchema } from './lib/http/templates.schemas';
