import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConversationWindowEntity } from './conversation-window.entity';
import { ConversationWindowsService } from './conversation-windows.service';
import { ContactsController } from './http/contacts.controller';
import { SenderDirectory } from './sender-directory.service';
import { WhatsAppChannelHost } from './whatsapp-channel-host';

export const WHATSAPP_HOST_ENTITIES = [ConversationWindowEntity];

/**
 * WhatsApp's stateful side for the channel-agnostic core: the ChannelHost the apps bind for
 * the `whatsapp` plugin, the 24 h windows and the senders of the environments' WABAs. Needs,
 * from the host: AccountsModule (global), TemplateRegistryModule, RateLimitingModule (global),
 * TenancyModule.
 */
@Module({})
export class WhatsAppHostModule {
  static forRoot(options: { http?: boolean } = {}): DynamicModule {
    const services = [SenderDirectory, ConversationWindowsService, WhatsAppChannelHost];
    return {
      module: WhatsAppHostModule,
      global: true,
      imports: [TypeOrmModule.forFeature(WHATSAPP_HOST_ENTITIES)],
      controllers: options.http === false ? [] : [ContactsController],
      providers: services,
      exports: services,
    };
  }
}
