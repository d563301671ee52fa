type Json = Record<string, unknown>;

/** Reads a template operation until it is final (succeeded or failed); a worker must be running. */
export async function waitForTemplateOperation(baseUrl: string, key: string, id: string, timeoutMs = 30_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${baseUrl}/v1/template-operations/${id}`, { headers: { authorization: `Bearer ${key}` } });
    const operation = (await response.json()) as Json;
    if (operation['state'] === 'succeeded' || operation['state'] === 'failed') return operation;
    if (Date.now() > deadline) throw new Error(`template operation ${id} still ${String(operation['state'])} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Queues a template sync (202 with its operation) and waits until a worker has carried it out. */
export async function syncTemplates(baseUrl: string, key: string): Promise<Json> {
  const queued = await fetch(`${baseUrl}/v1/templates/sync`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
  if (queued.status !== 202) throw new Error(`template sync answered ${queued.status}`);
  return waitForTemplateOperation(baseUrl, key, ((await queued.json()) as Json)['id'] as string);
}
