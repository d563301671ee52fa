import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from './bearer-token';
import { TENANCY_SETTINGS, type TenancySettings } from './tenancy.constants';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** /v1/admin/*: the operator key only; tenant keys never pass (401, contract §2). */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(TENANCY_SETTINGS) settings: TenancySettings) {
    this.expected = digest(settings.adminApiKey);
  }

  canActivate(context: ExecutionContext): boolean {
    const token = bearerToken(context.switchToHttp().getRequest<FastifyRequest>());
    // Digests have equal length, so the comparison time says nothing about the key.
    if (!token || !timingSafeEqual(digest(token), this.expected)) {
      throw new SwitchboardError({ code: 'unauthorized', message: 'Missing or invalid operator key' });
    }
    return true;
  }
}
