import {
  type ClassProvider,
  type DynamicModule,
  type ExistingProvider,
  type FactoryProvider,
  type ModuleMetadata,
  Module,
  type Provider,
  type ValueProvider,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OperatorTemplatesController } from './http/operator-templates.controller';
import { TemplateOperationsController } from './http/template-operations.controller';
import { TemplatesController } from './http/templates.controller';
import { TemplatesService } from './http/templates.service';
import { TemplateOperationExecutor } from './operations/template-operation.executor';
import { TemplateOperationJobs } from './operations/template-operation.jobs';
import { TemplateOperationRunner } from './operations/template-operation.runner';
import { TemplateOperationsService } from './operations/template-operations.service';
import { TemplateOperationEntity } from './persistence/template-operation.entity';
import { TemplateOperationStore } from './persistence/template-operation.store';
import { TemplateEntity } from './persistence/template.entity';
import { TemplateStore } from './persistence/template.store';
import { TemplateSyncScheduler } from './scheduling/template-sync.scheduler';
import { TemplatePreSendService } from './send/template-pre-send.service';
import { TemplateStatusService } from './sync/template-status.service';
import { TemplateSyncService } from './sync/template-sync.service';
import {
  DEFAULT_TEMPLATE_REGISTRY_SETTINGS,
  TEMPLATE_REGISTRY_SETTINGS,
  type TemplateRegistrySettings,
} from './template-registry.constants';
import { WABA_ACCESS_RESOLVER, type WabaAccessResolver } from './waba-access.port';

export const TEMPLATE_REGISTRY_ENTITIES = [TemplateEntity, TemplateOperationEntity];

/** How the host provides the WABA access port: `{useExisting: X}`, `{useClass}`, `{useFactory, inject}` or `{useValue}`. */
export type WabaAccessResolverProvider =
  | Omit<ClassProvider<WabaAccessResolver>, 'provide'>
  | Omit<ValueProvider<WabaAccessResolver>, 'provide'>
  | Omit<FactoryProvider<WabaAccessResolver>, 'provide'>
  | Omit<ExistingProvider<WabaAccessResolver>, 'provide'>;

export interface TemplateRegistryModuleOptions extends Partial<TemplateRegistrySettings> {
  wabaAccess: WabaAccessResolverProvider;
  /** Modules the resolver provider needs (e.g. the accounts module). */
  imports?: ModuleMetadata['imports'];
  /** Mount the /v1/templates and /v1/template-operations routes (the gateway); the worker passes false. Default true. */
  http?: boolean;
}

/**
 * The template registry. Needs, from the host: TypeORM (PersistenceModule), the
 * queue module (QUEUE_PRODUCER) and, for the routes, TenancyModule (TenantAuthGuard).
 * The worker additionally lists TemplateSyncProcessor among its providers.
 */
@Module({})
export class TemplateRegistryModule {
  static forRoot(options: TemplateRegistryModuleOptions): DynamicModule {
    const settings: TemplateRegistrySettings = {
      syncEveryMs: options.syncEveryMs ?? DEFAULT_TEMPLATE_REGISTRY_SETTINGS.syncEveryMs,
      syncPageSize: options.syncPageSize ?? DEFAULT_TEMPLATE_REGISTRY_SETTINGS.syncPageSize,
      maxPendingOperations: options.maxPendingOperations ?? DEFAULT_TEMPLATE_REGISTRY_SETTINGS.maxPendingOperations,
    };
    const services = [
      TemplateStore,
      TemplateSyncService,
      TemplateStatusService,
      TemplatePreSendService,
      TemplatesService,
      TemplateSyncScheduler,
      TemplateOperationStore,
      TemplateOperationJobs,
      TemplateOperationsService,
      TemplateOperationExecutor,
      TemplateOperationRunner,
    ];
    return {
      module: TemplateRegistryModule,
      // Global: the WhatsApp host and webhook processing inject its pre-send check and status updates.
      global: true,
      imports: [TypeOrmModule.forFeature(TEMPLATE_REGISTRY_ENTITIES), ...(options.imports ?? [])],
      controllers: options.http === false ? [] : [TemplatesController, TemplateOperationsController, OperatorTemplatesController],
      providers: [
        { provide: TEMPLATE_REGISTRY_SETTINGS, useValue: settings },
        { ...options.wabaAccess, provide: WABA_ACCESS_RESOLVER } as Provider,
        ...services,
      ],
      exports: [TEMPLATE_REGISTRY_SETTINGS, WABA_ACCESS_RESOLVER, ...services],
    };
  }
}
