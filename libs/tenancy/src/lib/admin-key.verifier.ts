import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { parseBearer } from './bearer-token';
import { TENANCY_SETTINGS, type TenancySettings } from './tenancy.constants';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether an `Authorization` value carries the operator key: for the admin guard and for
 * routes that answer everyone but show operators more (readiness details).
 */
@Injectable()
export class AdminKeyVerifier {
  private readonly expected: Buffer;

  constructor(@Inject(TENANCY_SETTINGS) settings: TenancySettings) {
    this.expected = digest(settings.adminApiKey);
  }

  isOperator(authorization: string | undefined): boolean {
    const token = parseBearer(authorization);
    // Digests have equal length, so the comparison time says nothing about the key.
    return token !== undefined && timingSafeEqual(digest(token), this.expected);
  }
}
