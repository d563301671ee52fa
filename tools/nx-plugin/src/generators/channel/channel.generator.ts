import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { addProjectConfiguration, generateFiles, logger, names, updateJson, type Tree } from '@nx/devkit';

export interface ChannelGeneratorOptions {
  /** The channel id, lower case: the lib goes to libs/channels/<name>. */
  readonly name: string;
}

/** Where the apps' list of built-in plugins lives, and the marker the generator adds entries after. */
export const CHANNEL_PLUGINS_FILE = 'libs/channels/registry/src/lib/channel-plugins.ts';
export const CHANNEL_PLUGINS_MARKER = '// channels:';

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const CALLBACK_URL = (name: string) => `https://gateway.example.test/webhooks/${name}/con_conformance`;
const SENDER = '15550001111';
const RECIPIENT = '14155550123';

/**
 * Scaffolds libs/channels/<name>: a plugin skeleton that keeps the channel contract, recorded
 * fixtures of a stand-in vendor that the conformance kit replays, the spec that runs the kit,
 * and the workspace wiring (import path, lint scope, the apps' plugin list).
 */
export async function channelGenerator(tree: Tree, options: ChannelGeneratorOptions): Promise<void> {
  const name = options.name;
  if (!NAME.test(name)) throw new Error(`channel name "${name}" must be lower-case letters and digits, words joined by "-"`);
  const root = `libs/channels/${name}`;
  if (tree.exists(root)) throw new Error(`${root} already exists`);
  const { className, propertyName, constantName } = names(name);
  const secrets = { apiKey: `${name}-fake-api-key-0000`, webhookSecret: `${name}-fake-webhook-secret-0000` };

  addProjectConfiguration(tree, `channel-${name}`, {
    root,
    sourceRoot: `${root}/src`,
    projectType: 'library',
    tags: ['type:channel', `scope:${name}`],
    targets: {},
  });
  generateFiles(tree, join(__dirname, 'files'), root, { name, className, propertyName, constantName, sender: SENDER, ...secrets });
  for (const [file, content] of Object.entries(recordedFixtures(name, secrets.webhookSecret))) {
    tree.write(`${root}/src/fixtures/${file}.json`, `${JSON.stringify(content, null, 2)}\n`);
  }
  updateJson(tree, 'tsconfig.base.json', (tsconfig: { compilerOptions: { paths?: Record<string, string[]> } }) => {
    tsconfig.compilerOptions.paths = { ...tsconfig.compilerOptions.paths, [`@switchboard/channel-${name}`]: [`./${root}/src/index.ts`] };
    return tsconfig;
  });
  addScopeRule(tree, name);
  registerPlugin(tree, name, `${className}Channel`);
}

export default channelGenerator;

/**
 * The lint scopes: the new channel builds on shared libs only, and what composes the channels
 * for the apps (`scope:channels`: the plugin list) may import it; the core never does.
 */
function addScopeRule(tree: Tree, name: string): void {
  const file = 'eslint.config.mjs';
  const source = tree.read(file, 'utf-8');
  const start = source?.indexOf('const scopeRules = {') ?? -1;
  const end = start < 0 ? -1 : (source as string).indexOf('\n};', start);
  if (source === null || end < 0) throw new Error(`${file} has no scopeRules object to add scope:${name} to`);
  const rules = source
    .slice(start, end)
    .replace(/('scope:channels': \[[^\]]*)\]/, `$1, 'scope:${name}']`)
    .concat(`\n  'scope:${name}': ['scope:shared'],`);
  tree.write(file, source.slice(0, start) + rules + source.slice(end));
}

/** Adds the plugin to the apps' list after the marker, or says why it did not. */
function registerPlugin(tree: Tree, name: string, className: string): void {
  const source = tree.read(CHANNEL_PLUGINS_FILE, 'utf-8');
  if (source === null) {
    logger.info(`${CHANNEL_PLUGINS_FILE} does not exist yet: add () => new ${className}() to BUILT_IN_CHANNELS by hand.`);
    return;
  }
  const marker = source.split('\n').find((line) => line.trim() === CHANNEL_PLUGINS_MARKER);
  if (marker === undefined) throw new Error(`${CHANNEL_PLUGINS_FILE} has no "${CHANNEL_PLUGINS_MARKER}" line to add the plugin after`);
  const indent = marker.slice(0, marker.indexOf(CHANNEL_PLUGINS_MARKER));
  const withEntry = source.replace(`${marker}\n`, `${marker}\n${indent}() => new ${className}(),\n`);
  tree.write(CHANNEL_PLUGINS_FILE, `import { ${className} } from '@switchboard/channel-${name}';\n${withEntry}`);
}

/**
 * Recordings of the stand-in vendor the skeleton talks to (JSON over HTTP, HMAC-signed callbacks),
 * signed with the spec's fake webhook secret. Replace them with the real vendor's as the plugin grows.
 */
function recordedFixtures(name: string, webhookSecret: string): Record<string, unknown> {
  const callbackUrl = CALLBACK_URL(name);
  const text = { from: SENDER, to: `+1 415 555 0123`, type: 'text', text: { body: 'Hello' } };
  const message = { id: 'msg_conformance_1', from: SENDER, to: RECIPIENT, body: text };
  const request = {
    method: 'POST',
    path: '/v1/messages',
    contentType: 'application/json',
    authorization: 'Bearer',
    json: { from: SENDER, to: RECIPIENT, text: 'Hello', reference: 'msg_conformance_1', status_callback: `${callbackUrl}?message=msg_conformance_1` },
  };
  const exchange = (label: string, response: object, expect: object) => ({
    name: label,
    message,
    statusCallbackUrl: `${callbackUrl}?message=msg_conformance_1`,
    request,
    response,
    expect,
  });
  const delivered = { type: 'status', id: `${name}_msg_1`, status: 'delivered', at: '2025-01-01T00:00:05.000Z', reference: 'msg_conformance_1' };
  const failed = { type: 'status', id: `${name}_msg_2`, status: 'undelivered', at: '2025-01-01T00:00:06.000Z', error: { code: 'unreachable', message: 'Handset unreachable' } };
  const stop = { type: 'message', id: `${name}_in_1`, from: `+${RECIPIENT}`, to: SENDER, text: 'STOP', at: '2025-01-01T00:00:07.000Z' };
  const signed = (events: object[]) => {
    const rawBody = JSON.stringify({ events });
    const signature = createHmac('sha256', webhookSecret).update(callbackUrl).update(rawBody).digest('hex');
    return { url: callbackUrl, headers: { 'content-type': 'application/json', [`x-${name}-signature`]: signature }, rawBody };
  };
  const statusRequest = signed([delivered, failed]);
  return {
    bodies: {
      accepted: [{ name: 'a text', body: text }],
      refused: [
        { name: 'an empty text', body: { ...text, text: { body: '' } } },
        { name: 'a type the channel does not send', body: { ...text, type: 'image' } },
        { name: 'no sender', body: { to: text.to, type: 'text', text: text.text } },
      ],
    },
    exchanges: [
      exchange('a text the vendor accepts', { status: 200, body: { id: `${name}_msg_1`, status: 'queued' } }, { providerMessageId: `${name}_msg_1` }),
      exchange('the vendor throttles', { status: 429, body: { error: { code: 'too_many_requests', message: 'Slow down' } } }, { error: { code: 'rate_limited', retryable: true } }),
      exchange('the vendor refuses the request', { status: 400, body: { error: { code: 'bad_request', message: 'Invalid to' } } }, { error: { code: 'upstream_protocol_error', retryable: false } }),
      exchange('the vendor is down', { status: 503, body: 'Service Unavailable' }, { error: { code: 'upstream_unavailable', retryable: true } }),
    ],
    inbound: [
      {
        name: 'signed status reports: delivered, and undelivered with its error',
        request: statusRequest,
        verified: true,
        events: [
          { kind: 'status', dedupeKey: `${name}_msg_1:delivered`, occurredAt: delivered.at, providerMessageId: delivered.id, messageId: 'msg_conformance_1', status: 'delivered', payload: delivered },
          { kind: 'status', dedupeKey: `${name}_msg_2:undelivered`, occurredAt: failed.at, providerMessageId: failed.id, status: 'failed', error: { code: 'upstream_protocol_error', retryable: false }, payload: failed },
        ],
      },
      {
        name: 'a signed inbound STOP',
        request: signed([stop]),
        verified: true,
        events: [{ kind: 'message', dedupeKey: `in:${stop.id}`, occurredAt: stop.at, providerMessageId: stop.id, from: RECIPIENT, to: SENDER, text: 'STOP', consent: 'opt_out', payload: stop }],
      },
      { name: 'a forged signature', request: { ...statusRequest, headers: { ...statusRequest.headers, [`x-${name}-signature`]: '00'.repeat(32) } }, verified: false },
      { name: 'no signature', request: { ...statusRequest, headers: { 'content-type': 'application/json' } }, verified: false },
    ],
    errors: [
      { name: 'throttled', input: { status: 429, error: { code: 'too_many_requests' } }, code: 'rate_limited', retryable: true },
      { name: 'vendor outage', input: { status: 503, error: { code: 'unavailable' } }, code: 'upstream_unavailable', retryable: true },
      { name: 'refused request', input: { status: 401, error: { code: 'unauthorized' } }, code: 'upstream_protocol_error', retryable: false },
      { name: 'not a vendor error', input: 'boom', code: 'upstream_protocol_error', retryable: false },
    ],
    recipients: {
      accepted: [
        { input: '+1 415 555 0123', normalised: RECIPIENT },
        { input: RECIPIENT, normalised: RECIPIENT },
      ],
      refused: ['hello', '+12'],
    },
  };
}
