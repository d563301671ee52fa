import type { PhoneNumberRecord } from '../state/simulator-state';

/** Fields `GET /<WABA_ID>/phone_numbers` and `GET /<PHONE_NUMBER_ID>` return by default. */
export const PHONE_NUMBER_DEFAULT_FIELDS = [
  'verified_name',
  'code_verification_status',
  'display_phone_number',
  'quality_rating',
  'platform_type',
  'throughput',
  'status',
  'name_status',
  'whatsapp_business_manager_messaging_limit',
  'messaging_limit_tier',
] as const;

/** A phone number as Graph shows it (node type WhatsAppBusinessPhoneNumber). */
export function phoneNumberNode(phone: PhoneNumberRecord): Record<string, unknown> {
  return {
    id: phone.id,
    verified_name: phone.verifiedName,
    code_verification_status: phone.codeVerificationStatus,
    display_phone_number: phone.displayPhoneNumber,
    quality_rating: phone.qualityRating,
    platform_type: phone.platformType,
    throughput: { level: phone.throughputLevel },
    status: phone.registered ? phone.status : 'PENDING',
    name_status: phone.nameStatus,
    whatsapp_business_manager_messaging_limit: phone.messagingLimit,
    // Deprecated by Meta in favour of the portfolio-level field above, still returned for old clients.
    messaging_limit_tier: phone.messagingLimit,
    is_official_business_account: false,
    account_mode: 'LIVE',
    is_pin_enabled: phone.pin !== undefined,
    last_onboarded_time: '2025-01-01T00:00:00+0000',
  };
}
