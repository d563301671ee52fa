import { Controller, Get, HttpStatus, Res, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '@switchboard/tenancy';
import type { FastifyReply } from 'fastify';
import { PipelineProbeService, type ProbeResult } from './pipeline-probe.service';

/**
 * Each call enqueues a job and holds a Redis subscription for up to 5 s, so strangers
 * must not be able to drive it: the operator key only (401 otherwise). It is not in the
 * contract's health routes, which stay open for load balancers.
 */
@Controller('health')
@UseGuards(AdminAuthGuard)
export class PipelineProbeController {
  constructor(private readonly probes: PipelineProbeService) {}

  /** 200 when a worker completed a probe job within 5 s, else 503 with the reason. */
  @Get('pipeline')
  async pipeline(@Res({ passthrough: true }) reply: FastifyReply): Promise<ProbeResult> {
    const result = await this.probes.run();
    if (result.status !== 'ok') reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return result;
  }
}
