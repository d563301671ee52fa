/** Recipient n of a benchmark: distinct per n (fictional 415-55x numbers), so no pair-rate bucket is shared. */
export function recipient(n: number): string {
  return `1415${String(5_560_000 + n)}`;
}

/** The `order_update` template (two body parameters and a URL button parameter) with n's values. */
export function orderUpdate(n: number) {
  return {
    name: 'order_update',
    language: { code: 'en_US' },
    components: [
      { type: 'body', parameters: [{ type: 'text', text: 'John' }, { type: 'text', text: `#${n}` }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: String(n) }] },
    ],
  };
}

/** `POST /v1/messages` body of send n from `from`; `scheduledAt` makes it a scheduled send. */
export function gatewayBody(n: number, from: string, scheduledAt?: string): string {
  return JSON.stringify({ from, to: `+${recipient(n)}`, type: 'template', template: orderUpdate(n), metadata: { orderId: String(n) }, ...(scheduledAt ? { scheduledAt } : {}) });
}

/** The Graph request the worker makes for the same send: what a bare loop posts straight to Meta. */
export function graphBody(n: number): string {
  return JSON.stringify({ messaging_product: 'whatsapp', to: recipient(n), type: 'template', template: orderUpdate(n), biz_opaque_callback_data: `bench_${n}` });
}
