import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ACCOUNTS_SETTINGS, type AccountsSettings } from './accounts.constants';
import { AccountsMetrics } from './accounts.metrics';
import { AdminAccountsController } from './admin-accounts.controller';
import { DiagnosticsService } from './diagnostics.service';
import { GraphClients } from './graph-clients';
import { MetaAppEntity } from './meta-app.entity';
import { MetaAppsService } from './meta-apps.service';
import { PhoneNumberEntity } from './phone-number.entity';
import { OperatorAccountsController } from './operator-accounts.controller';
import { PhoneNumbersController } from './phone-numbers.controller';
import { PhoneNumbersService } from './phone-numbers.service';
import { TenantEnvironmentEntity } from './tenant-environment.entity';
import { TokenLifecycleService } from './token-lifecycle.service';
import { WabaProbeService } from './waba-probe.service';
import { WebhookDirectory } from './webhook-directory.service';
import { WabaEntity } from './waba.entity';
import { WabasService } from './wabas.service';

const SERVICES = [GraphClients, MetaAppsService, WabasService, PhoneNumbersService, DiagnosticsService, TokenLifecycleService, WabaProbeService, AccountsMetrics, WebhookDirectory];

/**
 * Meta apps, WABAs, tokens and phone numbers. The gateway imports it with its routes
 * (admin, and the tenant's GET /v1/phone-numbers); the worker without them, for the token and probe jobs.
 */
@Module({})
export class AccountsModule {
  static forRoot(settings: AccountsSettings, options: { http: boolean }): DynamicModule {
    return {
      module: AccountsModule,
      global: true,
      imports: [TypeOrmModule.forFeature([MetaAppEntity, TenantEnvironmentEntity, WabaEntity, PhoneNumberEntity])],
      controllers: options.http ? [AdminAccountsController, PhoneNumbersController, OperatorAccountsController] : [],
      providers: [{ provide: ACCOUNTS_SETTINGS, useValue: settings }, ...SERVICES],
      exports: SERVICES,
    };
  }
}
