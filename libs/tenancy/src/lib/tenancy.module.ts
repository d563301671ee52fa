import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminAuthGuard } from './admin-auth.guard';
import { AdminTenantsController } from './admin.controller';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeysService } from './api-keys.service';
import { MeController } from './me.controller';
import { RequestContextMiddleware } from './request-context.middleware';
import { TENANCY_SETTINGS, type TenancySettings } from './tenancy.constants';
import { TenantAuthGuard } from './tenant-auth.guard';
import { TenantEntity } from './tenant.entity';
import { TenantsService } from './tenants.service';

export const TENANCY_ENTITIES = [TenantEntity, ApiKeyEntity];

@Module({})
export class TenancyModule implements NestModule {
  static forRoot(settings: TenancySettings): DynamicModule {
    return {
      module: TenancyModule,
      global: true,
      imports: [TypeOrmModule.forFeature(TENANCY_ENTITIES)],
      controllers: [AdminTenantsController, MeController],
      providers: [
        { provide: TENANCY_SETTINGS, useValue: settings },
        TenantsService,
        ApiKeysService,
        TenantAuthGuard,
        AdminAuthGuard,
      ],
      exports: [TenantsService, ApiKeysService, TenantAuthGuard, AdminAuthGuard],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('*path');
  }
}
