import { CONFORMANCE_NOW, describeChannelConformance } from '@switchboard/channel-conformance';
import bodies from '../fixtures/bodies.json';
import errors from '../fixtures/errors.json';
import exchanges from '../fixtures/exchanges.json';
import inbound from '../fixtures/inbound.json';
import recipients from '../fixtures/recipients.json';
import { SmsChannel } from './sms.channel';
import { smsConfigSchema } from './sms-config.schema';

// Recorded Twilio exchanges and callbacks (reference: shared/reference/twilio-sms.md), replayed by
// the kit. The callbacks' X-Twilio-Signature values are computed with this (fake) auth token; the
// plugin's clock is the kit's, because Twilio's callbacks carry no time.
const credentials = { accountSid: `AC${'0'.repeat(32)}`, authToken: 'sms-fake-auth-token-0000' };

describeChannelConformance(new SmsChannel({ now: () => CONFORMANCE_NOW }), {
  config: (baseUrl) => smsConfigSchema.parse({ ...credentials, baseUrl, from: ['+14155550100'] }),
  secrets: [credentials.authToken],
  bodies,
  exchanges,
  inbound,
  errors,
  recipients,
});
