import { createHash } from 'node:crypto';
import {
  WHATSAPP_MANAGEMENT_SCOPE,
  WHATSAPP_MESSAGING_SCOPE,
  type SimulatorSeed,
} from './simulator-seed.schema';

/**
 * Deterministic, obviously fake secrets: the same on every machine (so a sandbox
 * printout or a doc example stays valid) and never shaped like a real Meta token
 * (`EAA...`), so one can never be mistaken for, or leak as, a real credential.
 */
function fakeSecret(prefix: string, label: string): string {
  return `${prefix}-${createHash('sha256').update(`switchboard-meta-simulator:${label}`).digest('hex').slice(0, 32)}`;
}

/** The demo seed's lists are always present, so callers can index them without optional chaining. */
export type DemoSeed = SimulatorSeed & Required<Pick<SimulatorSeed, 'tokens' | 'phoneNumbers' | 'templates' | 'simulation'>>;

export const DEMO_IDS = {
  appId: '1000000000000001',
  systemUserId: '1000000000000101',
  wabaId: '2000000000000001',
  phoneNumberId: '3000000000000001',
  secondPhoneNumberId: '3000000000000002',
} as const;

/**
 * One app, one never-expiring system-user token with both WhatsApp scopes, one
 * WABA with two numbers and templates covering each status the gateway must
 * handle (APPROVED, PAUSED, REJECTED, PENDING) with positional and named
 * parameters and a media header.
 */
export function demoSeed(): DemoSeed {
  const { appId, systemUserId, wabaId, phoneNumberId, secondPhoneNumberId } = DEMO_IDS;
  return {
    apps: [
      {
        id: appId,
        name: 'Switchboard Sandbox',
        secret: fakeSecret('sim-app-secret', 'app-secret'),
        verifyToken: fakeSecret('sim-verify', 'verify-token'),
      },
    ],
    tokens: [
      {
        token: fakeSecret('sim-token', 'system-user-token'),
        appId,
        type: 'SYSTEM_USER',
        userId: systemUserId,
        scopes: [WHATSAPP_MESSAGING_SCOPE, WHATSAPP_MANAGEMENT_SCOPE, 'business_management', 'public_profile'],
        wabaIds: [wabaId],
        expiresAt: 0,
      },
    ],
    wabas: [{ id: wabaId, name: 'Switchboard Demo', currency: 'USD', timezoneId: '1' }],
    phoneNumbers: [
      {
        id: phoneNumberId,
        wabaId,
        // 555-01xx numbers are reserved for fiction, so they never reach a real person.
        displayPhoneNumber: '+1 555-010-0001',
        verifiedName: 'Switchboard Demo',
        qualityRating: 'GREEN',
        throughputLevel: 'STANDARD',
        messagingLimit: 'TIER_2K',
        mps: 80,
      },
      {
        id: secondPhoneNumberId,
        wabaId,
        displayPhoneNumber: '+1 555-010-0002',
        verifiedName: 'Switchboard Demo Support',
        qualityRating: 'YELLOW',
        throughputLevel: 'STANDARD',
        messagingLimit: 'TIER_2K',
        mps: 80,
        pin: '123456',
      },
    ],
    templates: [
      {
        id: '4000000000000001',
        wabaId,
        name: 'hello_world',
        language: 'en_US',
        category: 'UTILITY',
        status: 'APPROVED',
        components: [
          { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
          {
            type: 'BODY',
            text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API.',
          },
          { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
        ],
      },
      {
        id: '4000000000000002',
        wabaId,
        name: 'order_update',
        language: 'en_US',
        category: 'UTILITY',
        status: 'APPROVED',
        parameterFormat: 'POSITIONAL',
        components: [
          {
            type: 'BODY',
            text: 'Hi {{1}}, your order {{2}} is on its way.',
            example: { body_text: [['John', '#4521']] },
          },
          {
            type: 'BUTTONS',
            buttons: [
              { type: 'URL', text: 'Track order', url: 'https://example.com/orders/{{1}}', example: ['https://example.com/orders/4521'] },
            ],
          },
        ],
      },
      {
        id: '4000000000000003',
        wabaId,
        name: 'order_update',
        language: 'es',
        category: 'UTILITY',
        status: 'APPROVED',
        parameterFormat: 'POSITIONAL',
        components: [
          {
            type: 'BODY',
            text: 'Hola {{1}}, tu pedido {{2}} está en camino.',
            example: { body_text: [['Juan', '#4521']] },
          },
        ],
      },
      {
        id: '4000000000000004',
        wabaId,
        name: 'appointment_reminder',
        language: 'en_US',
        category: 'UTILITY',
        status: 'APPROVED',
        parameterFormat: 'NAMED',
        components: [
          {
            type: 'HEADER',
            format: 'TEXT',
            text: 'Reminder for {{first_name}}',
            example: { header_text_named_params: [{ param_name: 'first_name', example: 'Jessica' }] },
          },
          {
            type: 'BODY',
            text: 'Your appointment with {{doctor_name}} is on {{appointment_date}}. Reply to reschedule.',
            example: {
              body_text_named_params: [
                { param_name: 'doctor_name', example: 'Dr. Smith' },
                { param_name: 'appointment_date', example: 'June 1' },
              ],
            },
          },
        ],
      },
      {
        id: '4000000000000005',
        wabaId,
        name: 'summer_sale',
        language: 'en_US',
        category: 'MARKETING',
        status: 'PAUSED',
        qualityScore: 'RED',
        components: [
          { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['sim-header-handle-1'] } },
          { type: 'BODY', text: 'Hi {{1}}, our summer sale ends soon: {{2}} off everything.', example: { body_text: [['Ana', '20%']] } },
          { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
        ],
      },
      {
        id: '4000000000000006',
        wabaId,
        name: 'flash_promo',
        language: 'en_US',
        category: 'MARKETING',
        status: 'REJECTED',
        rejectedReason: 'PROMOTIONAL',
        components: [{ type: 'BODY', text: 'Everything free today only, {{1}}!', example: { body_text: [['Ana']] } }],
      },
      {
        id: '4000000000000007',
        wabaId,
        name: 'welcome_pending',
        language: 'en_US',
        category: 'UTILITY',
        status: 'PENDING',
        components: [{ type: 'BODY', text: 'Welcome to Switchboard, {{1}}.', example: { body_text: [['Ana']] } }],
      },
      {
        id: '4000000000000008',
        wabaId,
        name: 'verification_code',
        language: 'en_US',
        category: 'AUTHENTICATION',
        status: 'APPROVED',
        components: [
          { type: 'BODY', text: '*{{1}}* is your verification code.', example: { body_text: [['123456']] } },
          { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
        ],
      },
    ],
    simulation: {
      autoApproveTemplates: true,
      templateReviewDelayMs: 1000,
    },
  };
}
