import { Injectable, Logger } from '@nestjs/common';
import { AccountsMetrics } from './accounts.metrics';
import { PhoneNumbersService } from './phone-numbers.service';
import { WabasService } from './wabas.service';

/**
 * Every few minutes, per WABA: read its numbers' quality rating, throughput level and
 * messaging limit from Graph. The backstop to webhooks that were missed or never
 * subscribed; also the measure of Graph latency and reachability.
 */
@Injectable()
export class WabaProbeService {
  private readonly logger = new Logger(WabaProbeService.name);

  constructor(
    private readonly wabas: WabasService,
    private readonly numbers: PhoneNumbersService,
    private readonly metrics: AccountsMetrics,
  ) {}

  async probeAll(): Promise<{ probed: number; unreachable: number }> {
    let unreachable = 0;
    const wabas = await this.wabas.listAll();
    for (const waba of wabas) {
      const labels = { tenant_id: waba.tenantId, environment: waba.environment, waba_id: waba.wabaId };
      this.metrics.tokenProblems.set(labels, waba.tokenStatus === 'expired' || waba.tokenStatus === 'invalid' ? 1 : 0);
      if (waba.tokenExpiresAt) this.metrics.tokenExpiresIn.set(labels, (waba.tokenExpiresAt.getTime() - Date.now()) / 1000);
      const stop = this.metrics.graphProbeDuration.startTimer();
      try {
        const { accessToken, graph } = await this.wabas.access(waba);
        const live = (await graph.listPhoneNumbers(waba.wabaId, { accessToken })).data;
        for (const number of await this.numbers.listForWaba(waba)) {
          const state = live.find((candidate) => candidate.id === number.phoneNumberId);
          if (state) await this.numbers.applyGraphState(number, state);
        }
        stop({ outcome: 'ok' });
        this.metrics.graphReachable.set({ waba_id: waba.wabaId }, 1);
      } catch (error) {
        stop({ outcome: 'error' });
        unreachable += 1;
        this.metrics.graphReachable.set({ waba_id: waba.wabaId }, 0);
        this.logger.warn({ wabaId: waba.wabaId, reason: error instanceof Error ? error.message : String(error) }, 'Graph probe failed');
      }
    }
    return { probed: wabas.length, unreachable };
  }
}
