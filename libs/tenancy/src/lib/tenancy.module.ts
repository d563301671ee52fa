import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminAuthGuard } from './admin-auth.guard';
import { AdminKeyVerifier } from './admin-key.verifier';
import { AdminTenantsController } from './admin.controller';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeysService } from './api-keys.service';
import { MeController } from './me.controller';
import { OperatorScopeGuard } from './operator-scope.guard';
import { RequestContextHook } from './request-context.hook';
import { TENANCY_SETTINGS, TENANT_ADMISSION, type TenancySettings } from './tenancy.constants';
import { TenantAuthGuard } from './tenant-auth.guard';
import { TenantEntity } from './tenant.entity';
import { TenantsService } from './tenants.service';

export const TENANCY_ENTITIES = [TenantEntity, ApiKeyEntity];

@Module({})
export class TenancyModule {
  static forRoot(settings: TenancySettings): DynamicModule {
    const admission = settings.admission ? [{ provide: TENANT_ADMISSION, useClass: settings.admission }] : [];
    return {
      module: TenancyModule,
      global: true,
      imports: [TypeOrmModule.forFeature(TENANCY_ENTITIES)],
      controllers: [AdminTenantsController, MeController],
      providers: [
        { provide: TENANCY_SETTINGS, useValue: settings },
        RequestContextHook,
        TenantsService,
        ApiKeysService,
        TenantAuthGuard,
        AdminKeyVerifier,
        AdminAuthGuard,
        OperatorScopeGuard,
        ...admission,
      ],
      // Settings too: guards used by other modules' controllers are built in those modules.
      exports: [TENANCY_SETTINGS, TenantsService, ApiKeysService, TenantAuthGuard, AdminKeyVerifier, AdminAuthGuard, OperatorScopeGuard, ...admission.map((p) => p.provide)],
    };
  }

  /** Tenants without HTTP: for processes that serve no tenant or admin routes (the worker). */
  static forData(): DynamicModule {
    return {
      module: TenancyModule,
      global: true,
      imports: [TypeOrmModule.forFeature(TENANCY_ENTITIES)],
      providers: [TenantsService],
      exports: [TenantsService],
    };
  }
}
