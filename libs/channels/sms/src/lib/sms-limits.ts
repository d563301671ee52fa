/** Twilio's limits for one SMS (shared/reference/twilio-sms.md, "Throughput and length"). */
export const SMS_LIMITS = {
  /** Twilio refuses longer bodies with 21617. */
  bodyCharacters: 1600,
  /** Twilio's advice: keep a message within 10 segments; a connection may allow fewer. */
  segments: 10,
  gsm7: { single: 160, part: 153 },
  ucs2: { single: 70, part: 67 },
} as const;

/** An E.164 number with its `+`: a country code that does not start with 0, at most 15 digits. */
export const E164_PATTERN = /^\+[1-9]\d{1,14}$/;
