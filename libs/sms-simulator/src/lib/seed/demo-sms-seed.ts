import { createHash } from 'node:crypto';
import type { SmsSeed } from './sms-seed.schema';

/** Deterministic, obviously fake Auth Tokens: the same on every machine, never shaped like Twilio's (32 hex). */
function fakeAuthToken(label: string): string {
  return `sim-auth-token-${createHash('sha256').update(`switchboard-sms-simulator:${label}`).digest('hex').slice(0, 24)}`;
}

export const SMS_DEMO_IDS = {
  accountSid: 'AC00000000000000000000000000000001',
  /** A second account, so a test can send From a number the first one does not own. */
  otherAccountSid: 'AC00000000000000000000000000000002',
  messagingServiceSid: 'MG00000000000000000000000000000001',
  number: '+14155550201',
  secondNumber: '+14155550202',
  otherAccountNumber: '+14155550291',
  /** Recipients with a scripted fate; every other E.164 recipient is delivered. */
  recipients: {
    delivered: '+141555503001',
    unreachable30003: '+141555503003',
    unknown30005: '+141555503005',
    landline30006: '+141555503006',
    filtered30007: '+141555503007',
    invalid21211: '+141555503011',
    notMobile21614: '+141555503014',
    noReceipt: '+141555503099',
  },
} as const;

export type DemoSmsSeed = SmsSeed & { accounts: { accountSid: string; authToken: string; numbers: string[] }[] };

/**
 * Two accounts (the first with two numbers and a Messaging Service over
 * them) and one recipient per outcome the SMS channel must handle.
 */
export function demoSmsSeed(): DemoSmsSeed {
  const { accountSid, otherAccountSid, messagingServiceSid, number, secondNumber, otherAccountNumber, recipients } = SMS_DEMO_IDS;
  return {
    accounts: [
      {
        accountSid,
        authToken: fakeAuthToken('account-1'),
        friendlyName: 'Switchboard Sandbox',
        numbers: [number, secondNumber],
        messagingServices: [{ sid: messagingServiceSid, numbers: [number, secondNumber] }],
      },
      { accountSid: otherAccountSid, authToken: fakeAuthToken('account-2'), friendlyName: 'Another tenant', numbers: [otherAccountNumber] },
    ],
    recipients: {
      [recipients.unreachable30003]: { outcome: 'undelivered', errorCode: 30003 },
      [recipients.unknown30005]: { outcome: 'undelivered', errorCode: 30005 },
      [recipients.landline30006]: { outcome: 'undelivered', errorCode: 30006 },
      [recipients.filtered30007]: { outcome: 'failed', errorCode: 30007 },
      [recipients.invalid21211]: { outcome: 'rejected', errorCode: 21211 },
      [recipients.notMobile21614]: { outcome: 'rejected', errorCode: 21614 },
      [recipients.noReceipt]: { outcome: 'sent' },
    },
  };
}
