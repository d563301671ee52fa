/** One call to the gateway's REST API with a bearer key; resolves [status, json body or {}]. */
export async function gatewayCall(baseUrl, method, path, key, body) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return [response.status, await response.json().catch(() => ({}))];
}
