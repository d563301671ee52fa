import type { Dispatcher } from 'undici';
import type { AbortCause } from './transport-error.mapper';

export interface RawGraphResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** Why a call ended without an answer, when the client (not the socket) ended it. */
export class GraphCallCancelled extends Error {
  constructor(readonly reason: Exclude<AbortCause, undefined> | 'too_large') {
    super(`graph call cancelled: ${reason}`);
    this.name = 'GraphCallCancelled';
  }
}

// Graph answers are small JSON documents; anything this big is not Graph.
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * One Graph call on undici's dispatch API instead of `request()`: the answer is
 * small JSON, so buffering chunks directly skips the Readable body stream, and
 * owning the promise gives a real deadline. With `request()` an aborted call
 * that is still queued behind busy sockets only fails once it reaches a socket;
 * here it fails at its deadline and is dropped when undici gets to it.
 */
export function dispatchGraphCall(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<RawGraphResponse> {
  return new Promise<RawGraphResponse>((resolve, reject) => {
    const handler = new GraphCallHandler(resolve, reject, signal);
    handler.timer = setTimeout(() => handler.cancel('deadline'), timeoutMs);
    if (signal) signal.addEventListener('abort', handler.onCallerAbort, { once: true });
    try {
      dispatcher.dispatch(options, handler);
    } catch (error) {
      handler.onResponseError(undefined, error as Error);
    }
  });
}

class GraphCallHandler implements Dispatcher.DispatchHandler {
  timer: NodeJS.Timeout | undefined;
  private controller: Dispatcher.DispatchController | undefined;
  private cancelled: GraphCallCancelled | undefined;
  private settled = false;
  private statusCode = 0;
  private headers: Record<string, string | string[] | undefined> = {};
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly resolve: (response: RawGraphResponse) => void,
    private readonly reject: (error: unknown) => void,
    private readonly signal: AbortSignal | undefined,
  ) {}

  readonly onCallerAbort = (): void => this.cancel('caller');

  cancel(cause: GraphCallCancelled['reason']): void {
    if (this.settled) return;
    this.cancelled = new GraphCallCancelled(cause);
    // Aborting destroys the socket if the request is on one; if it is still
    // queued, onRequestStart aborts it as soon as undici picks it up.
    this.controller?.abort(this.cancelled);
    this.finish(undefined, this.cancelled);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.cancelled) controller.abort(this.cancelled);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    // 1xx interim answers are followed by the real one.
    if (statusCode < 200) return;
    this.statusCode = statusCode;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > MAX_RESPONSE_BYTES) {
      this.cancel('too_large');
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const body =
      this.chunks.length === 1 ? this.chunks[0].toString('utf8') : Buffer.concat(this.chunks, this.size).toString('utf8');
    this.finish({ statusCode: this.statusCode, headers: this.headers, body });
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.finish(undefined, this.cancelled ?? error);
  }

  private finish(response: RawGraphResponse | undefined, error?: unknown): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onCallerAbort);
    this.chunks = [];
    if (response) this.resolve(response);
    else this.reject(error);
  }
}
