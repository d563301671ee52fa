export * from './lib/whatsapp-host.module';
export * from './lib/whatsapp-channel-host';
export * from './lib/conversation-windows.service';
export * from './lib/sender-directory.service';
export { ConversationWindowEntity } from './lib/conversation-window.entity';
