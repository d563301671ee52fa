import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import type { FastifyRequest } from 'fastify';
import { AdminKeyVerifier } from './admin-key.verifier';

/** /v1/admin/* and the operator's probes: the operator key only; tenant keys never pass (401, contract §2). */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(private readonly adminKey: AdminKeyVerifier) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.adminKey.isOperator(context.switchToHttp().getRequest<FastifyRequest>().headers.authorization)) {
      throw new SwitchboardError({ code: 'unauthorized', message: 'Missing or invalid operator key' });
    }
    return true;
  }
}
