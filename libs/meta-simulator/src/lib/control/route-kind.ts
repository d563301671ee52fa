/** Coarse names of the Graph calls, used to aim faults and to label recorded requests. */
export const routeKinds = [
  'messages',
  'media',
  'media_download',
  'debug_token',
  'oauth',
  'phone_numbers',
  'register',
  'subscribed_apps',
  'templates',
  'other',
] as const;

export type RouteKind = (typeof routeKinds)[number];
