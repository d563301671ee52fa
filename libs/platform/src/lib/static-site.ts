import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** A built single-page app served as static files (the operator console). */
export interface StaticSite {
  /** Short name for the log line. */
  name: string;
  /** URL prefix without a trailing slash: `/console`. */
  prefix: string;
  /** Directory of the build (holding index.html). */
  root: string;
}

/**
 * The app's own files only: scripts, styles and API calls from this origin, no framing.
 * The pages call the API with a Bearer key from sessionStorage, so nothing else may run there.
 */
const CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/**
 * Serves `root` under `prefix/` (`prefix` alone redirects there). When the site was not built
 * the process starts anyway and says so at debug: the API does not need it.
 */
export async function serveStaticSite(app: NestFastifyApplication, site: StaticSite): Promise<void> {
  const logger = new Logger('StaticSite');
  if (!existsSync(join(site.root, 'index.html'))) {
    logger.debug(`${site.name} not built (no ${join(site.root, 'index.html')}); ${site.prefix} is not served`);
    return;
  }
  await app.register(fastifyStatic, {
    root: site.root,
    prefix: `${site.prefix}/`,
    index: 'index.html',
    setHeaders: (reply) => {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
    },
  });
  app.getHttpAdapter().getInstance().get(site.prefix, (_request, reply) => reply.redirect(`${site.prefix}/`));
  logger.debug(`${site.name} served at ${site.prefix}/ from ${site.root}`);
}
