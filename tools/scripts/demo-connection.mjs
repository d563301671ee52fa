// Connects the demo tenant to the simulator through the gateway's own admin and tenant
// APIs, as an operator would: the Meta app, a WABA per environment, its numbers, its
// templates, and an SMS connection per environment to the simulator's Twilio side. Each
// step looks first and creates only what is missing, so a second `npm start` (same
// DATA_DIR) changes nothing but the simulator's origin.
import { gatewayCall } from './gateway-api.mjs';
import { SANDBOX_IDS } from './sandbox-seed.mjs';

const TEMPLATE_SYNC_TIMEOUT_MS = 30_000;

function expectStatus(step, [status, body], ...wanted) {
  if (!wanted.includes(status)) throw new Error(`${step} answered ${status}: ${body?.error?.message ?? JSON.stringify(body)}`);
  return body;
}

async function syncTemplates(call, key) {
  const operation = expectStatus('queueing the template sync', await call('POST', '/v1/templates/sync', key), 202);
  const deadline = Date.now() + TEMPLATE_SYNC_TIMEOUT_MS;
  for (;;) {
    const current = expectStatus('reading the template sync', await call('GET', `/v1/template-operations/${operation.id}`, key), 200);
    if (current.state === 'succeeded') return;
    if (current.state === 'failed') throw new Error(`the template sync failed: ${JSON.stringify(current.error ?? current)}`);
    if (Date.now() > deadline) throw new Error(`the template sync is still ${current.state} after ${TEMPLATE_SYNC_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The name that marks the sandbox's own SMS connection among an environment's connections. */
const SMS_CONNECTION_NAME = 'Twilio (simulator)';

/**
 * The environment's SMS connection to the simulator's demo account, created once; its config is
 * replaced on every start, since the simulator's port (its `baseUrl`) may differ from the last run's.
 * Resolves the connection (its `webhookPath` takes the account's inbound texts).
 */
async function connectSms(call, adminKey, tenant, environment, smsAccount, simulatorUrl) {
  const config = { accountSid: smsAccount.accountSid, authToken: smsAccount.authToken, from: [smsAccount.numbers[environment]], baseUrl: simulatorUrl };
  const existing = expectStatus(
    `listing the ${environment} channel connections`,
    await call('GET', `${tenant}/environments/${environment}/channel-connections`, adminKey),
    200,
  ).data.find((connection) => connection.channel === 'sms' && connection.name === SMS_CONNECTION_NAME);
  if (existing) {
    return expectStatus(
      `pointing the ${environment} SMS connection at the simulator`,
      await call('PUT', `${tenant}/environments/${environment}/channel-connections/${existing.id}/config`, adminKey, { config }),
      200,
    );
  }
  return expectStatus(
    `connecting the ${environment} environment to the simulator's SMS account`,
    await call('POST', `${tenant}/channel-connections`, adminKey, { environment, channel: 'sms', name: SMS_CONNECTION_NAME, config }),
    201,
  );
}

/**
 * `demo` holds the tenant id and its live and test keys; `seed` is the simulator's
 * seed (its app secret signs the webhooks, its token reads the WABAs); `smsAccount` is the
 * SMS simulator's demo account with a number per environment. The account's inbound texts
 * go to the live environment's connection (the simulator has one inbound URL).
 */
export async function connectDemoTenant({ gatewayUrl, adminKey, demo, seed, smsAccount, simulatorUrl }) {
  const call = (method, path, key, body) => gatewayCall(gatewayUrl, method, path, key, body);
  const [app] = seed.apps;
  const token = seed.tokens.find((candidate) => candidate.appId === app.id);
  const tenant = `/v1/admin/tenants/${demo.tenantId}`;

  // No list route for Meta apps: 409 is "already registered", which is what we want.
  expectStatus(
    'registering the Meta app',
    await call('POST', '/v1/admin/meta-apps', adminKey, { appId: app.id, appSecret: app.secret, verifyToken: app.verifyToken }),
    201,
    409,
  );

  for (const environment of ['live', 'test']) {
    const key = demo[environment];
    const { wabaId, phoneNumberId } = SANDBOX_IDS[environment];
    // Every start: the simulator's port may differ from the last run's.
    expectStatus(
      `pointing the ${environment} environment at the simulator`,
      await call('PUT', `${tenant}/environments/${environment}`, adminKey, { graphBaseUrl: simulatorUrl }),
      200,
    );

    const numbers = expectStatus(`listing the ${environment} numbers`, await call('GET', '/v1/phone-numbers', key), 200);
    if (!numbers.data.some((number) => number.phoneNumberId === phoneNumberId)) {
      // 409: registered by an earlier run that stopped before its numbers were synced.
      expectStatus(
        `registering the ${environment} WABA ${wabaId}`,
        await call('POST', `${tenant}/wabas`, adminKey, { environment, wabaId, appId: app.id, accessToken: token.token }),
        201,
        409,
      );
      expectStatus(`syncing the numbers of WABA ${wabaId}`, await call('POST', `${tenant}/wabas/${wabaId}/phone-numbers/sync`, adminKey), 200);
    }

    const templates = expectStatus(`listing the ${environment} templates`, await call('GET', '/v1/templates?name=hello_world', key), 200);
    if (!templates.data.some((template) => template.name === 'hello_world' && template.status === 'APPROVED')) await syncTemplates(call, key);
  }

  const sms = {};
  for (const environment of ['live', 'test']) sms[environment] = await connectSms(call, adminKey, tenant, environment, smsAccount, simulatorUrl);
  const inbound = await fetch(`${simulatorUrl}/_sim/sms/config`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    // A new seed each start: the simulator's message sids repeat per seed, and the database
    // (kept across starts) already holds the ones an earlier run issued.
    body: JSON.stringify({ inboundUrl: `${gatewayUrl}${sms.live.webhookPath}`, randomSeed: Date.now() }),
  });
  if (!inbound.ok) throw new Error(`configuring the SMS simulator answered ${inbound.status}`);
  return { sms };
}
