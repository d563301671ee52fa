import type { Issue } from '@switchboard/channel-contract';
import { checkMediaLink } from './media-link.rules';
import type { InteractiveMessageBody } from './schemas/interactive.schema';
import type { WhatsAppMessage } from './schemas/whatsapp-message.schema';
import { hasUnfilledPlaceholder } from './unfilled-placeholder';
import type { MediaKind } from './whatsapp-limits';

interface Located<T> {
  readonly path: string;
  readonly value: T;
}
type MediaLink = Located<string> & { readonly kind: MediaKind };

const text = (path: string, value: string | undefined): Located<string>[] => (value === undefined ? [] : [{ path, value }]);
const link = (kind: MediaKind, path: string, media: { link?: string | undefined } | undefined): MediaLink[] =>
  media?.link === undefined ? [] : [{ kind, path: `${path}.link`, value: media.link }];

function interactiveParts(interactive: InteractiveMessageBody): { texts: Located<string>[]; links: MediaLink[] } {
  const texts = [...text('interactive.body.text', interactive.body.text), ...text('interactive.footer.text', interactive.footer?.text)];
  const header = interactive.header;
  const links: MediaLink[] = [];
  switch (header?.type) {
    case undefined:
      break;
    case 'text':
      texts.push(...text('interactive.header.text', header.text));
      break;
    case 'image':
      links.push(...link('image', 'interactive.header.image', header.image));
      break;
    case 'video':
      links.push(...link('video', 'interactive.header.video', header.video));
      break;
    case 'document':
      links.push(...link('document', 'interactive.header.document', header.document));
      break;
  }
  if (interactive.type === 'button') {
    interactive.action.buttons.forEach((button, b) => texts.push(...text(`interactive.action.buttons.${b}.reply.title`, button.reply.title)));
  } else {
    texts.push(...text('interactive.action.button', interactive.action.button));
    interactive.action.sections.forEach((section, s) => {
      texts.push(...text(`interactive.action.sections.${s}.title`, section.title));
      section.rows.forEach((row, r) => {
        texts.push(...text(`interactive.action.sections.${s}.rows.${r}.title`, row.title));
        texts.push(...text(`interactive.action.sections.${s}.rows.${r}.description`, row.description));
      });
    });
  }
  return { texts, links };
}

/** The texts the recipient reads and the media links Meta fetches, each with its request path. */
function partsOf(message: WhatsAppMessage): { texts: Located<string>[]; links: MediaLink[] } {
  switch (message.type) {
    case 'text':
      return { texts: text('text.body', message.text.body), links: [] };
    case 'image':
      return { texts: text('image.caption', message.image.caption), links: link('image', 'image', message.image) };
    case 'video':
      return { texts: text('video.caption', message.video.caption), links: link('video', 'video', message.video) };
    case 'document':
      return { texts: text('document.caption', message.document.caption), links: link('document', 'document', message.document) };
    case 'audio':
      return { texts: [], links: link('audio', 'audio', message.audio) };
    case 'sticker':
      return { texts: [], links: link('sticker', 'sticker', message.sticker) };
    case 'interactive':
      return interactiveParts(message.interactive);
    case 'choice':
      return {
        texts: [
          ...text('choice.body', message.choice.body),
          ...message.choice.options.flatMap((option, o) => text(`choice.options.${o}.title`, option.title)),
          ...text('choice.button', message.choice.button),
        ],
        links: [],
      };
    case 'template': {
      const texts: Located<string>[] = [];
      const links: MediaLink[] = [];
      (message.template.components ?? []).forEach((component, c) => {
        (component.parameters ?? []).forEach((parameter, p) => {
          const path = `template.components.${c}.parameters.${p}`;
          if (parameter.type === 'text') texts.push(...text(`${path}.text`, parameter.text));
          if (parameter.type === 'image') links.push(...link('image', `${path}.image`, parameter.image));
          if (parameter.type === 'video') links.push(...link('video', `${path}.video`, parameter.video));
          if (parameter.type === 'document') links.push(...link('document', `${path}.document`, parameter.document));
        });
      });
      return { texts, links };
    }
    case 'location':
    case 'contacts':
    case 'reaction':
      return { texts: [], links: [] };
  }
}

/**
 * The stateless checks zod cannot express: a half-rendered text (`{{name}}` or an
 * unclosed `{{name`) is worse than no message, and media links must be fetchable by Meta.
 */
export function validateWhatsAppMessage(message: WhatsAppMessage, shorteners: readonly string[]): Issue[] {
  const { texts, links } = partsOf(message);
  const issues: Issue[] = texts
    .filter(({ value }) => hasUnfilledPlaceholder(value))
    .map(({ path }) => ({ code: 'validation_failed', path, issue: 'contains {{ : fill in every placeholder before sending' }));
  for (const { kind, path, value } of links) {
    const issue = checkMediaLink(kind, value, path, shorteners);
    if (issue) issues.push(issue);
  }
  return issues;
}
