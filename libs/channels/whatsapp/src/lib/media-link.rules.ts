import type { Issue } from '@switchboard/channel-contract';
import { MEDIA_EXTENSIONS, type MediaKind } from './whatsapp-limits';

/**
 * Media links Meta would fail on later (131053) or that hide what the recipient gets:
 * not https, a URL shortener (Meta fetches the link itself and the redirect hides the
 * file), or a file extension that is not allowed for the kind. A link without an
 * extension passes: many stores serve files by id.
 */
export function checkMediaLink(kind: MediaKind, link: string, path: string, shorteners: readonly string[]): Issue | null {
  const invalid = (issue: string): Issue => ({ code: 'media_invalid', path, issue });
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return invalid('not a URL: give an absolute https link');
  }
  if (url.protocol !== 'https:') return invalid(`https only (got ${url.protocol.replace(/:$/, '')})`);
  const host = url.hostname.toLowerCase();
  const shortener = shorteners.find((domain) => host === domain || host.endsWith(`.${domain}`));
  if (shortener) return invalid(`${shortener} is a URL shortener: link the file itself`);
  const file = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
  const dot = file.lastIndexOf('.');
  if (dot > 0) {
    const extension = file.slice(dot + 1).toLowerCase();
    const allowed: readonly string[] = MEDIA_EXTENSIONS[kind];
    if (!allowed.includes(extension)) return invalid(`.${extension} is not allowed for ${kind}: ${allowed.map((e) => `.${e}`).join(', ')}`);
  }
  return null;
}
