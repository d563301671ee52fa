import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Environment } from '@switchboard/tenancy';
import { LRUCache } from 'lru-cache';
import { Repository } from 'typeorm';
import { PhoneNumberEntity } from './phone-number.entity';
import { PhoneNumbersService } from './phone-numbers.service';
import { WabaEntity } from './waba.entity';

export interface AccountScope {
  tenantId: string;
  environment: Environment;
}

/** What a `phone_number_quality_update` changed on one of our numbers. */
export interface PhoneNumberLimitChange {
  phoneNumberId: string;
  scope: AccountScope;
  previousLimit: string | null;
  limit: string | null;
  event: string;
}

/** Where a WABA or phone number belongs: its tenant environment, its WABA and the Meta app that WABA is registered under. */
export interface AccountRoute {
  scope: AccountScope;
  wabaId: string;
  /** Meta's id of the app the WABA is registered under: only that app's secret may sign webhooks about it. */
  appId: string;
}

/** The routes of one payload's WABA and phone-number ids; null for an id no tenant has registered. */
export interface AccountRoutes {
  waba(wabaId: string): AccountRoute | null;
  phoneNumber(phoneNumberId: string): AccountRoute | null;
}

/** Registered WABA and phone-number ids are numeric (the tables' CHECKs): anything else is answered without a lookup. */
const GRAPH_ID = /^[0-9]{1,32}$/;

/** Routing answers are reused this long: WABAs and numbers move between tenants rarely, webhooks arrive in thousands. */
const ROUTE_TTL_MS = 30_000;
const ROUTE_CACHE_MAX = 10_000;

/**
 * The accounts side of webhook processing: which tenant environment a WABA id or a
 * phone_number_id belongs to (both are unique platform-wide), and the phone-number
 * updates Meta pushes (messaging limit, throughput upgrade).
 */
@Injectable()
export class WebhookDirectory {
  // Unknown ids are cached too (null), so a payload naming strangers costs one query per TTL, not one per delivery.
  private readonly routes = new LRUCache<string, { route: AccountRoute | null }>({ max: ROUTE_CACHE_MAX, ttl: ROUTE_TTL_MS });

  constructor(
    @InjectRepository(WabaEntity) private readonly wabas: Repository<WabaEntity>,
    @InjectRepository(PhoneNumberEntity) private readonly numbers: Repository<PhoneNumberEntity>,
    private readonly phoneNumbers: PhoneNumbersService,
  ) {}

  /**
   * The routes of every WABA and phone-number id of a payload, with the Meta app each is
   * bound to: cached ones from memory, all others in one query.
   */
  async routesOf(wabaIds: Iterable<string>, phoneNumberIds: Iterable<string>): Promise<AccountRoutes> {
    const found = new Map<string, AccountRoute | null>();
    const missing = { wabas: new Set<string>(), numbers: new Set<string>() };
    const look = (kind: 'waba' | 'number', id: string, misses: Set<string>) => {
      const key = `${kind}:${id}`;
      if (found.has(key)) return;
      const hit = GRAPH_ID.test(id) ? this.routes.get(key) : { route: null };
      if (hit) found.set(key, hit.route);
      else misses.add(id);
    };
    for (const id of wabaIds) look('waba', id, missing.wabas);
    for (const id of phoneNumberIds) look('number', id, missing.numbers);
    if (missing.wabas.size + missing.numbers.size > 0) {
      const rows = (await this.wabas.query(
        `SELECT 'waba' AS kind, w.waba_id AS id, w.tenant_id, w.environment, w.waba_id, a.app_id
           FROM wabas w JOIN meta_apps a ON a.id = w.meta_app_id WHERE w.waba_id = ANY($1::text[])
         UNION ALL
         SELECT 'number', p.phone_number_id, p.tenant_id, p.environment, w.waba_id, a.app_id
           FROM phone_numbers p JOIN wabas w ON w.id = p.waba_ref JOIN meta_apps a ON a.id = w.meta_app_id WHERE p.phone_number_id = ANY($2::text[])`,
        [[...missing.wabas], [...missing.numbers]],
      )) as Array<{ kind: 'waba' | 'number'; id: string; tenant_id: string; environment: Environment; waba_id: string; app_id: string }>;
      const loaded = new Map(rows.map((row) => [`${row.kind}:${row.id}`, { scope: { tenantId: row.tenant_id, environment: row.environment }, wabaId: row.waba_id, appId: row.app_id }]));
      for (const [kind, ids] of [['waba', missing.wabas], ['number', missing.numbers]] as const) {
        for (const id of ids) {
          const route = loaded.get(`${kind}:${id}`) ?? null;
          this.routes.set(`${kind}:${id}`, { route });
          found.set(`${kind}:${id}`, route);
        }
      }
    }
    return {
      waba: (wabaId) => found.get(`waba:${wabaId}`) ?? null,
      phoneNumber: (phoneNumberId) => found.get(`number:${phoneNumberId}`) ?? null,
    };
  }

  /**
   * Applies a `phone_number_quality_update` (reference §3.8) to the WABA's number with that
   * display number. `max_daily_conversations_per_business` replaces `current_limit`, which
   * Meta removes; THROUGHPUT_UPGRADE means the automatic 1,000 mps level.
   */
  async applyQualityUpdate(
    wabaId: string,
    value: { display_phone_number: string; event: string; current_limit?: string | undefined; max_daily_conversations_per_business?: string | undefined },
  ): Promise<PhoneNumberLimitChange | null> {
    const waba = await this.wabas.findOneBy({ wabaId });
    if (!waba) return null;
    const digits = value.display_phone_number.replace(/[^0-9]/g, '');
    const number = (await this.numbers.findBy({ wabaRef: waba.id })).find((candidate) => candidate.displayPhoneNumber.replace(/[^0-9]/g, '') === digits);
    if (!number) return null;
    const previousLimit = number.messagingLimit;
    const limit = value.max_daily_conversations_per_business ?? value.current_limit ?? previousLimit;
    const upgrade = value.event === 'THROUGHPUT_UPGRADE';
    await this.numbers.update(
      { id: number.id },
      { messagingLimit: limit, ...(upgrade ? { throughputLevel: 'HIGH', throughputMps: 1000 } : {}) },
    );
    await this.phoneNumbers.changed(number);
    return { phoneNumberId: number.phoneNumberId, scope: { tenantId: number.tenantId, environment: number.environment }, previousLimit, limit, event: value.event };
  }
}
