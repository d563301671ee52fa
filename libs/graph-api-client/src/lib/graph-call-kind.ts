/**
 * Calls are grouped by how long Meta normally takes: a send is answered in
 * well under a second, an upload moves megabytes, management reads may page.
 */
export type GraphCallKind = 'messages' | 'media' | 'management';

export const DEFAULT_TIMEOUTS_MS: Readonly<Record<GraphCallKind, number>> = {
  messages: 4_000,
  media: 7_000,
  management: 10_000,
};
