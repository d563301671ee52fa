import { checkMediaLink } from './media-link.rules';
import { DEFAULT_URL_SHORTENERS, MEDIA_EXTENSIONS, type MediaKind } from './whatsapp-limits';

const check = (kind: MediaKind, link: string, shorteners = DEFAULT_URL_SHORTENERS) => checkMediaLink(kind, link, 'image.link', shorteners);

describe('checkMediaLink', () => {
  it('accepts https links with an allowed extension, or none', () => {
    expect(check('image', 'https://cdn.example.com/photos/a.JPG?v=2')).toBeNull();
    expect(check('image', 'https://cdn.example.com/files/8f3a')).toBeNull();
    expect(check('document', 'https://files.example.com/v1.2/report.pdf#page=2')).toBeNull();
  });

  it.each(Object.entries(MEDIA_EXTENSIONS))('%s: every allowed extension passes', (kind, extensions) => {
    for (const extension of extensions) expect(check(kind as MediaKind, `https://cdn.example.com/a.${extension}`)).toBeNull();
  });

  it.each<[MediaKind, string]>([
    ['image', 'gif'],
    ['image', 'webp'],
    ['video', 'mov'],
    ['audio', 'wav'],
    ['document', 'zip'],
    ['sticker', 'png'],
  ])('%s: .%s is refused as media_invalid, naming the allowed types', (kind, extension) => {
    expect(check(kind, `https://cdn.example.com/a.${extension}`)).toEqual({
      code: 'media_invalid',
      path: 'image.link',
      issue: expect.stringMatching(new RegExp(`^\\.${extension} is not allowed for ${kind}: \\.`)),
    });
  });

  it('refuses http and other schemes, and text that is not a URL', () => {
    expect(check('image', 'http://cdn.example.com/a.png')).toEqual({ code: 'media_invalid', path: 'image.link', issue: 'https only (got http)' });
    expect(check('image', 'ftp://cdn.example.com/a.png')?.issue).toBe('https only (got ftp)');
    expect(check('image', 'cdn.example.com/a.png')?.issue).toMatch(/^not a URL/);
  });

  it('refuses URL shorteners and their subdomains, from a configurable list', () => {
    expect(check('image', 'https://bit.ly/3xYz')?.issue).toBe('bit.ly is a URL shortener: link the file itself');
    expect(check('image', 'https://www.TinyURL.com/abc')?.issue).toMatch(/^tinyurl\.com is a URL shortener/);
    expect(check('image', 'https://notbit.ly/a.png')).toBeNull();
    expect(check('image', 'https://go.example.com/a', ['go.example.com'])?.issue).toMatch(/^go\.example\.com is a URL shortener/);
    expect(check('image', 'https://bit.ly/3xYz', [])).toBeNull();
  });
});
