import { metaErrorInfo } from './meta-error.catalog';

export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_user_title?: string;
    error_user_msg?: string;
    error_data: { messaging_product: 'whatsapp'; details: string };
    fbtrace_id: string;
  };
}

export interface GraphErrorOptions {
  details?: string;
  /** Overrides the catalogue's title in `message`. */
  title?: string;
  httpStatus?: number;
  /** Only template creation still surfaces subcodes (2388xxx). */
  subcode?: number;
  userTitle?: string;
  userMessage?: string;
}

const TRACE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** fbtrace_id only needs to look like Meta's opaque ids; it is never looked up, so Math.random is enough. */
export function fbtraceId(): string {
  let id = 'Sim';
  for (let i = 0; i < 12; i += 1) id += TRACE_ALPHABET[Math.floor(Math.random() * TRACE_ALPHABET.length)];
  return id;
}

/**
 * A Graph API error as Meta returns it. Thrown anywhere in a Graph route; the
 * error handler turns it into the JSON body and Meta's HTTP status.
 */
export class GraphError extends Error {
  readonly httpStatus: number;
  readonly details: string;
  readonly title: string;

  constructor(
    readonly code: number,
    private readonly options: GraphErrorOptions = {},
  ) {
    const info = metaErrorInfo(code);
    const title = options.title ?? info.title;
    super(`(#${code}) ${title}`);
    this.name = 'GraphError';
    this.title = title;
    this.httpStatus = options.httpStatus ?? info.httpStatus;
    this.details = options.details ?? info.details;
  }

  toBody(): GraphErrorBody {
    return {
      error: {
        message: this.message,
        type: 'OAuthException',
        code: this.code,
        ...(this.options.subcode !== undefined && { error_subcode: this.options.subcode }),
        ...(this.options.userTitle !== undefined && { error_user_title: this.options.userTitle }),
        ...(this.options.userMessage !== undefined && { error_user_msg: this.options.userMessage }),
        error_data: { messaging_product: 'whatsapp', details: this.details },
        fbtrace_id: fbtraceId(),
      },
    };
  }
}

/**
 * Meta answers the same way whether an object does not exist or the token may
 * not see it, so existence never leaks across businesses.
 */
export function objectNotFound(id: string, method: 'get' | 'post' | 'delete'): GraphError {
  return new GraphError(100, {
    title: 'Invalid parameter',
    details: `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
  });
}
