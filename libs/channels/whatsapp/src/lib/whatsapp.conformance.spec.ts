import { describeChannelConformance } from '@switchboard/channel-conformance';
import { GraphApiClient } from '@switchboard/graph-api-client';
import bodies from '../fixtures/bodies.json';
import errors from '../fixtures/errors.json';
import exchanges from '../fixtures/exchanges.json';
import { WhatsAppChannel } from './whatsapp.channel';
import type { WhatsAppConfig } from './whatsapp-config.schema';

// Recorded Graph exchanges (reference: shared/reference/meta-cloud-api.md), replayed by the kit.
const accessToken = 'whatsapp-fake-access-token-0000';

describeChannelConformance(new WhatsAppChannel(), {
  config: (baseUrl): WhatsAppConfig => ({ accessToken, graph: new GraphApiClient({ baseUrl, version: 'v24.0', connections: 2 }) }),
  release: (config) => config.graph.close(),
  secrets: [accessToken],
  bodies,
  exchanges,
  errors,
});
