import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PipelineProbeService, type ProbeResult } from './pipeline-probe.service';

@Controller('health')
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
