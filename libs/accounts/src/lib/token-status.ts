export const TOKEN_STATUSES = ['valid', 'expiring', 'expired', 'invalid'] as const;
export type TokenStatus = (typeof TOKEN_STATUSES)[number];

/** Both are needed: messaging for sends and messages webhooks, management for everything else. */
export const REQUIRED_SCOPES = ['whatsapp_business_messaging', 'whatsapp_business_management'] as const;

/** A token that expires within this window is `expiring` (reported, exchanged, still used). */
export const EXPIRING_WITHIN_MS = 7 * 24 * 3600 * 1000;
