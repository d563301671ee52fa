import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { createBullBoard } from '@bull-board/api';
import { FastifyAdapter } from '@bull-board/fastify';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { contractErrorBody } from '@switchboard/platform';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sessionCookie, sessionCookieValue, splitUrl, withoutKey } from './operator-session';
import { QUEUE_BOARD_OPERATOR_ACCESS, QUEUE_BOARD_PATH, QUEUE_BOARD_QUEUES, type OperatorAccess } from './queue-board.constants';

/** Reads only: everything the board's UI and API do to a queue or a job is a PUT, POST, PATCH or DELETE. */
const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Mounts bull-board (UI and JSON API) at /admin/queues over every queue of the job map, as plain
 * Fastify routes in their own plugin scope. Every adapter is read-only, so the UI offers no
 * action; on top of that this scope refuses every method that is not a read (405) before the
 * board sees it, because bull-board leaves the read-only rule to each of its handlers (and lets
 * pause-all or resume-all answer 200 doing nothing), so a future write route cannot slip through.
 * Only the operator gets in: `Authorization: Bearer <ADMIN_API_KEY>`, or the key once as
 * `?key=` (browsers cannot send a header), answered with a session cookie and a redirect to the
 * same URL without the key. Request logs and span URLs never hold query values (telemetry
 * redacts every one), nor the cookie headers.
 */
@Injectable()
export class QueueBoardRoutes implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(QUEUE_BOARD_OPERATOR_ACCESS) private readonly operator: OperatorAccess,
    @Inject(QUEUE_BOARD_QUEUES) private readonly queues: Queue[],
  ) {}

  onModuleInit(): void {
    const board = new FastifyAdapter();
    createBullBoard({
      queues: this.queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
      serverAdapter: board,
      options: { uiConfig: { boardTitle: 'Switchboard queues' } },
    });
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(async (scope) => {
      scope.addHook('onRequest', (request, reply) => this.admit(request, reply));
      await scope.register(board.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
    });
  }

  /** Answers (401, 405 or the sign-in redirect) unless the request may reach the board. */
  private async admit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const key = new URLSearchParams(splitUrl(request.url).query).get('key');
    if (key !== null) {
      if (!this.operator.isOperator(`Bearer ${key}`)) return this.refuse(request, reply);
      await reply.code(303).header('set-cookie', sessionCookie(key, request)).header('location', withoutKey(request.url)).send();
      return;
    }
    const cookie = sessionCookieValue(request.headers.cookie);
    const admitted = this.operator.isOperator(request.headers.authorization) || (cookie !== undefined && this.operator.isOperator(`Bearer ${cookie}`));
    if (!admitted) return this.refuse(request, reply);
    if (!READ_METHODS.has(request.method)) {
      const refused = new SwitchboardError({ code: 'method_not_allowed', httpStatus: 405, message: 'The queue board is read-only' });
      await reply.code(405).header('allow', 'GET, HEAD').send(contractErrorBody(refused, String(request.id)));
    }
  }

  private async refuse(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const refused = new SwitchboardError({ code: 'unauthorized', message: 'Missing or invalid operator key' });
    await reply.code(401).header('www-authenticate', 'Bearer').send(contractErrorBody(refused, String(request.id)));
  }
}
