import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import type { PhoneNumber } from '@switchboard/graph-api-client';
import { CacheInvalidation, type InvalidatingCache } from '@switchboard/platform';
import type { Environment } from '@switchboard/tenancy';
import { In, Repository } from 'typeorm';
import { z } from 'zod';
import { ACCOUNTS_CACHE_TOPIC, accountsCacheKeys } from './accounts.cache';
import { PhoneNumberEntity } from './phone-number.entity';
import { WabaEntity } from './waba.entity';
import { WabasService } from './wabas.service';

export const phoneNumberViewSchema = z.object({
  id: z.uuid(),
  phoneNumberId: z.string().describe("Meta's phone_number_id: the `from` of a send"),
  displayPhoneNumber: z.string(),
  wabaId: z.string(),
  verifiedName: z.string().nullable(),
  qualityRating: z.string().nullable().describe('GREEN, YELLOW, RED or UNKNOWN, from the last sync or quality webhook'),
  status: z.string().nullable(),
  nameStatus: z.string().nullable(),
  messagingLimit: z.string().nullable().describe("Meta's messaging limit tier (TIER_250, TIER_2K, ..., TIER_UNLIMITED)"),
  throughputLevel: z.string().nullable(),
  throughputMps: z.number().int(),
  registeredAt: z.iso.datetime().nullable(),
  syncedAt: z.iso.datetime().nullable(),
  testNumber: z.boolean(),
  testRecipients: z.array(z.string()),
});
export type PhoneNumberView = z.infer<typeof phoneNumberViewSchema>;

/** What the send path's rate limits need of a number; an unknown number sends at 0 mps. */
export interface NumberLimits {
  readonly mps: number;
  readonly tier: string | null;
}

/** Meta's limit on the recipients of a public test number. */
export const TEST_RECIPIENTS_MAX = 5;

/**
 * Meta's throughput levels (reference §7): HIGH is the automatic 1,000 mps upgrade;
 * otherwise the configured figure stands (80 by default, 20 for coexistence numbers).
 */
function mpsOf(level: string | undefined, configured: number): number {
  return level === 'HIGH' ? 1000 : configured;
}

@Injectable()
export class PhoneNumbersService {
  private readonly cachedLimits: InvalidatingCache<NumberLimits>;

  constructor(
    @InjectRepository(PhoneNumberEntity) private readonly numbers: Repository<PhoneNumberEntity>,
    private readonly wabas: WabasService,
    private readonly caches: CacheInvalidation,
  ) {
    this.cachedLimits = caches.cache(ACCOUNTS_CACHE_TOPIC, 'number-limits');
  }

  /**
   * Registers a number by hand after Graph confirms it belongs to this WABA. The
   * commonest mistake, a WABA id pasted as the phone number id, gets its own message.
   */
  async add(tenantId: string, wabaId: string, input: { phoneNumberId: string; displayPhoneNumber: string; throughputMps?: number }) {
    const waba = await this.wabas.require(tenantId, wabaId);
    if (input.phoneNumberId === waba.wabaId || (await this.isAnyWaba(input.phoneNumberId))) {
      throw new SwitchboardError({
        code: 'validation_failed',
        message: `${input.phoneNumberId} is a WABA id, not a phone number id; phone number ids are listed by POST .../phone-numbers/sync`,
        details: [{ path: 'phoneNumberId', issue: 'is a WABA id' }],
      });
    }
    const onGraph = await this.graphNumbers(waba);
    const found = onGraph.find((number) => number.id === input.phoneNumberId);
    if (!found) {
      throw new SwitchboardError({
        code: 'validation_failed',
        message: `Phone number ${input.phoneNumberId} does not belong to WABA ${wabaId}`,
        details: [{ path: 'phoneNumberId', issue: `not a number of WABA ${wabaId}` }],
      });
    }
    if (await this.numbers.existsBy({ phoneNumberId: input.phoneNumberId })) {
      throw new SwitchboardError({ code: 'conflict', message: `Phone number ${input.phoneNumberId} is already registered`, details: [{ path: 'phoneNumberId', issue: 'already registered' }] });
    }
    const saved = await this.numbers.save(
      this.numbers.create({
        ...this.graphColumns(found, mpsOf(found.throughputLevel, input.throughputMps ?? 80)),
        tenantId,
        environment: waba.environment,
        wabaRef: waba.id,
        phoneNumberId: input.phoneNumberId,
        displayPhoneNumber: input.displayPhoneNumber,
      }),
    );
    await this.changed(saved);
    return this.view(saved, waba);
  }

  /** Reads every number of the WABA from Graph and upserts what Meta says about it. */
  async sync(tenantId: string, wabaId: string): Promise<{ data: PhoneNumberView[] }> {
    const waba = await this.wabas.require(tenantId, wabaId);
    const onGraph = await this.graphNumbers(waba);
    const views: PhoneNumberView[] = [];
    for (const number of onGraph) {
      const existing = await this.numbers.findOneBy({ phoneNumberId: number.id });
      if (existing && existing.wabaRef !== waba.id) continue;
      const row = existing ?? this.numbers.create({ tenantId, environment: waba.environment, wabaRef: waba.id, phoneNumberId: number.id, throughputMps: 80 });
      Object.assign(row, this.graphColumns(number, mpsOf(number.throughputLevel, row.throughputMps)), {
        displayPhoneNumber: number.displayPhoneNumber ?? row.displayPhoneNumber ?? number.id,
      });
      views.push(this.view(await this.numbers.save(row), waba));
    }
    await this.caches.invalidate(ACCOUNTS_CACHE_TOPIC, [accountsCacheKeys.numbers(waba)]);
    return { data: views };
  }

  /** Sets the two-step PIN and registers the number with Cloud API: the fix for 133010. */
  async register(tenantId: string, wabaId: string, phoneNumberId: string, pin: string) {
    const waba = await this.wabas.require(tenantId, wabaId);
    const number = await this.numbers.findOneBy({ wabaRef: waba.id, phoneNumberId });
    if (!number) throw new SwitchboardError({ code: 'not_found', message: `No phone number ${phoneNumberId} in WABA ${wabaId}` });
    const { accessToken, graph } = await this.wabas.access(waba);
    await graph.registerPhoneNumber(phoneNumberId, pin, { accessToken });
    number.registeredAt = new Date();
    await this.numbers.save(number);
    return { phoneNumberId, status: 'registered', registeredAt: number.registeredAt.toISOString() };
  }

  /**
   * Marks a number as a Meta public test number with its allowed recipients (E.164),
   * or clears the mark. Only numbers of a `test` environment can be test numbers.
   */
  async setTestNumber(tenantId: string, wabaId: string, phoneNumberId: string, input: { testNumber: boolean; testRecipients: readonly string[] }) {
    const waba = await this.wabas.require(tenantId, wabaId);
    const number = await this.numbers.findOneBy({ wabaRef: waba.id, phoneNumberId });
    if (!number) throw new SwitchboardError({ code: 'not_found', message: `No phone number ${phoneNumberId} in WABA ${wabaId}` });
    if (input.testNumber && waba.environment !== 'test') {
      throw new SwitchboardError({
        code: 'validation_failed',
        message: 'Only numbers of a test environment can be marked as Meta test numbers',
        details: [{ path: 'testNumber', issue: `WABA ${wabaId} belongs to the ${waba.environment} environment` }],
      });
    }
    number.testNumber = input.testNumber;
    number.testRecipients = input.testNumber ? [...new Set(input.testRecipients.map((recipient) => recipient.replace(/[^0-9]/g, '')))] : [];
    const saved = await this.numbers.save(number);
    await this.changed(saved);
    return this.view(saved, waba);
  }

  /** The send worker's view of a number of the environment, kept until the number changes anywhere. */
  limits(scope: { tenantId: string; environment: Environment }, phoneNumberId: string): Promise<NumberLimits> {
    return this.cachedLimits.get(accountsCacheKeys.number(scope, phoneNumberId), async () => {
      const number = await this.numbers.findOneBy({ tenantId: scope.tenantId, environment: scope.environment, phoneNumberId });
      return { mps: number?.throughputMps ?? 0, tier: number?.messagingLimit ?? null };
    });
  }

  /** Every number of a tenant environment, in the order they were added (the tenant-facing list). */
  async listForEnvironment(tenantId: string, environment: Environment): Promise<PhoneNumberView[]> {
    const wabas = new Map((await this.wabas.listForScope(tenantId, environment)).map((waba) => [waba.id, waba]));
    if (wabas.size === 0) return [];
    const numbers = await this.numbers.find({ where: { wabaRef: In([...wabas.keys()]) }, order: { createdAt: 'ASC', id: 'ASC' } });
    return numbers.map((number) => this.view(number, wabas.get(number.wabaRef) as WabaEntity));
  }

  listForWaba(waba: WabaEntity): Promise<PhoneNumberEntity[]> {
    return this.numbers.find({ where: { wabaRef: waba.id }, order: { createdAt: 'ASC' } });
  }

  async applyGraphState(number: PhoneNumberEntity, state: PhoneNumber): Promise<PhoneNumberEntity> {
    Object.assign(number, this.graphColumns(state, mpsOf(state.throughputLevel, number.throughputMps)));
    const saved = await this.numbers.save(number);
    await this.changed(saved);
    return saved;
  }

  /** After the commit: every process reads the number (and its environment's sender list) again. */
  changed(number: Pick<PhoneNumberEntity, 'tenantId' | 'environment' | 'phoneNumberId'>): Promise<void> {
    return this.caches.invalidate(ACCOUNTS_CACHE_TOPIC, [accountsCacheKeys.number(number, number.phoneNumberId)]);
  }

  view(number: PhoneNumberEntity, waba: WabaEntity): PhoneNumberView {
    return {
      id: number.id,
      phoneNumberId: number.phoneNumberId,
      displayPhoneNumber: number.displayPhoneNumber,
      wabaId: waba.wabaId,
      verifiedName: number.verifiedName,
      qualityRating: number.qualityRating,
      status: number.status,
      nameStatus: number.nameStatus,
      messagingLimit: number.messagingLimit,
      throughputLevel: number.throughputLevel,
      throughputMps: number.throughputMps,
      registeredAt: number.registeredAt?.toISOString() ?? null,
      syncedAt: number.syncedAt?.toISOString() ?? null,
      testNumber: number.testNumber,
      testRecipients: number.testRecipients,
    };
  }

  private async graphNumbers(waba: WabaEntity): Promise<readonly PhoneNumber[]> {
    const { accessToken, graph } = await this.wabas.access(waba);
    return (await graph.listPhoneNumbers(waba.wabaId, { accessToken })).data;
  }

  private async isAnyWaba(id: string): Promise<boolean> {
    return (await this.numbers.manager.countBy(WabaEntity, { wabaId: id })) > 0;
  }

  private graphColumns(number: PhoneNumber, throughputMps: number) {
    return {
      verifiedName: number.verifiedName ?? null,
      qualityRating: number.qualityRating ?? null,
      status: number.status ?? null,
      nameStatus: number.nameStatus ?? null,
      codeVerificationStatus: number.codeVerificationStatus ?? null,
      messagingLimit: number.messagingLimit ?? null,
      throughputLevel: number.throughputLevel ?? null,
      throughputMps,
      syncedAt: new Date(),
    };
  }
}
