import { useState, type FormEvent } from 'react';
import { ApiError, request, type Message, type PhoneNumber } from '../api';
import type { Session } from '../session';
import { Status } from '../ui';

interface Inputs {
  appId: string;
  appSecret: string;
  verifyToken: string;
  accessToken: string;
  wabaId: string;
  recipient: string;
  pin: string;
}

type StepState = { state: 'pending' } | { state: 'running' } | { state: 'done'; detail: string } | { state: 'failed'; problem: string; fix: string };

interface Step {
  title: string;
  /** What usually fixes this step, shown with the API's own error. */
  fix: string;
}

const STEPS: Step[] = [
  { title: 'Register the Meta app', fix: 'App id is the numeric id in developers.facebook.com > your app > App settings > Basic; the secret is on the same page.' },
  { title: 'Add the WABA (token checked with debug_token)', fix: 'Use a system-user token with whatsapp_business_messaging and whatsapp_business_management, issued for this WABA and this app.' },
  { title: 'Diagnostics', fix: 'Apply the fix named by each failing item, then run the steps again.' },
  { title: 'Subscribe the WABA to the app', fix: "The token's system user must be an admin of the WABA; webhooks never arrive without this subscription." },
  {
    title: 'Sync numbers (register with a PIN, or mark the test number)',
    fix: "Meta's test number needs no PIN but belongs in the test environment; a real number needs its two-step PIN (six digits).",
  },
  { title: 'Send hello_world to the verified recipient', fix: 'The recipient must be one of the test number\'s verified recipients (WhatsApp > API Setup > To), and hello_world must be synced.' },
];

const randomVerifyToken = () => Array.from(crypto.getRandomValues(new Uint8Array(18)), (byte) => byte.toString(16).padStart(2, '0')).join('');

function describe(error: unknown): string {
  if (error instanceof ApiError) {
    const details = error.error.details?.map((detail) => `${detail.path}: ${detail.issue}`).join('; ');
    return `${error.error.code}: ${error.error.message}${error.error.meta ? ` (Meta ${error.error.meta.code})` : ''}${details ? ` — ${details}` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * "Connect a real number": the admin routes in order, for the picked tenant environment.
 * Each step says what failed (the API's error) and what usually fixes it; the send's
 * failure shows the taxonomy's action text. The send needs a tenant key: the page creates
 * one named `console-connect` for the environment (listed, revocable, on the Tenants page).
 */
export function ConnectPage({ session }: { session: Session }) {
  const [inputs, setInputs] = useState<Inputs>({ appId: '', appSecret: '', verifyToken: randomVerifyToken(), accessToken: '', wabaId: '', recipient: '', pin: '' });
  const [steps, setSteps] = useState<StepState[]>(STEPS.map(() => ({ state: 'pending' })));
  const [webhookPath, setWebhookPath] = useState<string | null>(null);
  const set = (index: number, state: StepState) => setSteps((all) => all.map((current, position) => (position === index ? state : current)));
  const field = (name: keyof Inputs, label: string, type = 'text') => (
    <label>
      {label}
      <input type={type} autoComplete="off" value={inputs[name]} onChange={(event) => setInputs({ ...inputs, [name]: event.target.value })} />
    </label>
  );

  if (session.role !== 'operator' || !session.tenantId) return <p className="notice">Pick a tenant and an environment above first.</p>;
  const tenantPath = `/v1/admin/tenants/${session.tenantId}`;
  const admin = <T,>(method: string, path: string, body?: unknown) => request<T>(session.key, method, path, body);

  const step = async (index: number, work: () => Promise<string>): Promise<boolean> => {
    set(index, { state: 'running' });
    try {
      set(index, { state: 'done', detail: await work() });
      return true;
    } catch (error) {
      set(index, { state: 'failed', problem: describe(error), fix: error instanceof StepFailure ? error.fix : (STEPS[index]?.fix ?? '') });
      return false;
    }
  };

  const run = async (event: FormEvent) => {
    event.preventDefault();
    setSteps(STEPS.map(() => ({ state: 'pending' })));
    const { appId, appSecret, verifyToken, accessToken, wabaId, recipient, pin } = inputs;
    const wabaPath = `${tenantPath}/wabas/${wabaId}`;
    let sender: PhoneNumber | undefined;
    const ok =
      (await step(0, async () => {
        try {
          const app = await admin<{ webhookPath: string }>('POST', '/v1/admin/meta-apps', { appId, appSecret, verifyToken });
          setWebhookPath(app.webhookPath);
          return `registered; set the webhook URL to ${window.location.origin}${app.webhookPath} with the verify token below`;
        } catch (error) {
          if (error instanceof ApiError && error.error.code === 'conflict') return 'already registered';
          throw error;
        }
      })) &&
      (await step(1, async () => {
        try {
          const waba = await admin<{ token: { status: string; scopes: string[] } }>('POST', `${tenantPath}/wabas`, { environment: session.environment, wabaId, appId, accessToken });
          return `token ${waba.token.status}, scopes ${waba.token.scopes.join(', ')}`;
        } catch (error) {
          if (error instanceof ApiError && error.error.code === 'conflict') {
            await admin('PUT', `${wabaPath}/token`, { accessToken });
            return 'already added; token rotated';
          }
          throw error;
        }
      })) &&
      (await step(2, async () => {
        const report = await admin<{ status: string; items: Array<{ check: string; status: string; detail: string; fix?: string }> }>(
          'GET',
          `${tenantPath}/diagnostics?environment=${session.environment}`,
        );
        const failing = report.items.filter((item) => item.status === 'fail' && !/subscri/i.test(item.check));
        if (failing.length) throw new StepFailure(failing.map((item) => `${item.check}: ${item.detail}`).join('; '), failing.map((item) => item.fix ?? '').join(' '));
        return `${report.status}: ${report.items.length} checks`;
      })) &&
      (await step(3, async () => {
        const subscription = await admin<{ subscribedApps: Array<{ name: string | null }> }>('POST', `${wabaPath}/subscribe`);
        return `subscribed apps: ${subscription.subscribedApps.map((app) => app.name ?? '?').join(', ')}`;
      })) &&
      (await step(4, async () => {
        const synced = await admin<{ data: PhoneNumber[] }>('POST', `${wabaPath}/phone-numbers/sync`);
        sender = synced.data[0];
        if (!sender) throw new StepFailure('Graph lists no number for this WABA', 'Add a number to the WABA in WhatsApp Manager (or use the test number Meta gives every app).');
        if (pin) await admin('POST', `${wabaPath}/phone-numbers/${sender.phoneNumberId}/register`, { pin });
        // Meta's public test number sends only to its registered recipients; the gateway checks that before 202.
        if (!pin && session.environment === 'test') {
          await admin('PUT', `${wabaPath}/phone-numbers/${sender.phoneNumberId}/test-number`, { testNumber: true, testRecipients: [recipient] });
        }
        return synced.data.map((number) => `${number.displayPhoneNumber} (quality ${number.qualityRating ?? '?'}, ${number.messagingLimit ?? '?'})`).join(', ');
      })) &&
      (await step(5, async () => {
        const from = sender?.phoneNumberId ?? '';
        const { key } = await admin<{ key: string }>('POST', `${tenantPath}/api-keys`, { environment: session.environment, name: 'console-connect' });
        const sync = await request<{ id: string }>(key, 'POST', '/v1/templates/sync');
        for (let tries = 0; tries < 60; tries += 1) {
          const operation = await request<{ state: string; error?: { code: string; message: string } }>(key, 'GET', `/v1/template-operations/${sync.id}`);
          if (operation.state === 'succeeded') break;
          if (operation.state === 'failed') throw new StepFailure(`template sync failed: ${operation.error?.code ?? ''} ${operation.error?.message ?? ''}`, 'Is a worker running? The sync is carried out by the worker.');
          await pause(1000);
        }
        const accepted = await request<{ id: string }>(key, 'POST', '/v1/messages', { from, to: recipient, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
        for (let tries = 0; tries < 60; tries += 1) {
          const message = await request<Message>(key, 'GET', `/v1/messages/${accepted.id}`);
          if (['sent', 'delivered', 'read'].includes(message.status)) return `${accepted.id} is ${message.status}`;
          if (message.status === 'failed' || message.status === 'dead') {
            throw new StepFailure(`${accepted.id} ${message.status}: ${message.error?.code ?? ''} ${message.error?.message ?? ''}`, message.error?.action ?? STEPS[5]?.fix ?? '');
          }
          await pause(1000);
        }
        return `${accepted.id} is still queued: is a worker running?`;
      }));
    void ok;
  };

  return (
    <>
      <h1>Connect a real number</h1>
      <p className="muted">
        Into {session.tenantSlug} · {session.environment}. The same steps as curl calls are in docs/real-number.md.
      </p>
      <form className="stacked" onSubmit={(event) => void run(event)}>
        {field('appId', 'Meta app id')}
        {field('appSecret', 'App secret', 'password')}
        {field('verifyToken', 'Webhook verify token (enter it in the app\'s webhook settings)')}
        {field('accessToken', 'Access token (system user)', 'password')}
        {field('wabaId', 'WABA id')}
        {field('recipient', 'Verified recipient (+1 415 555 1234)')}
        {field('pin', 'Two-step PIN (real numbers only; leave empty for the test number)', 'password')}
        <button type="submit">Connect</button>
      </form>
      {webhookPath ? (
        <p className="notice">
          Webhook callback URL: <code>{`${window.location.origin}${webhookPath}`}</code>
        </p>
      ) : null}
      <ol className="steps">
        {STEPS.map((definition, index) => {
          const current = steps[index] ?? { state: 'pending' };
          return (
            <li key={definition.title} data-testid="connect-step">
              <Status value={current.state} /> {definition.title}
              {current.state === 'done' ? <div className="muted">{current.detail}</div> : null}
              {current.state === 'failed' ? (
                <div className="failure">
                  <div>{current.problem}</div>
                  <p className="action">What to fix: {current.fix}</p>
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>
    </>
  );
}

/** A step's own failure with a precise fix (diagnostics items, the taxonomy's action of a failed send). */
class StepFailure extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}
