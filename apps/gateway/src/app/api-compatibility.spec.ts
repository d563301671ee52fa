import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { migrateDatabase } from '@switchboard/platform';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { buildSchema, findBreakingChanges } from 'graphql';
import { startTestGateway } from './gateway.test-helper';

type Json = Record<string, unknown>;
interface Document {
  paths: Record<string, Record<string, Json>>;
  components?: { schemas?: Record<string, Json> };
}

const BASELINE = join(__dirname, 'api-baseline');
const SCHEMA_FILE = join(__dirname, '..', '..', '..', '..', 'libs', 'graphql-api', 'schema.graphql');
const asRecord = (value: unknown): Json => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * What a client of the baseline may rely on and the current document no longer offers: a
 * path, an operation, a parameter, a response, a property, an enum value; a parameter or a
 * request property that became required; a response property that is no longer always there.
 */
function removals(baseline: Document, current: Document): string[] {
  const found: string[] = [];
  const resolve = (document: Document, schema: Json): Json => {
    const ref = schema['$ref'];
    if (typeof ref !== 'string') return schema;
    return asRecord(document.components?.schemas?.[ref.replace('#/components/schemas/', '')]);
  };
  const compare = (where: string, before: Json, after: Json, direction: 'in' | 'out', seen: Set<string>): void => {
    const ref = typeof before['$ref'] === 'string' ? (before['$ref'] as string) : null;
    if (ref !== null) {
      if (seen.has(ref)) return;
      seen = new Set([...seen, ref]);
    }
    const old = resolve(baseline, before);
    const now = resolve(current, after);
    for (const [name, property] of Object.entries(asRecord(old['properties']))) {
      const next = asRecord(now['properties'])[name];
      if (next === undefined) found.push(`${where}: property ${name} removed`);
      else compare(`${where}.${name}`, asRecord(property), asRecord(next), direction, seen);
    }
    const [oldRequired, newRequired] = [asList(old['required']), asList(now['required'])];
    if (direction === 'in') for (const name of newRequired) if (!oldRequired.includes(name)) found.push(`${where}: ${String(name)} became required`);
    if (direction === 'out') for (const name of oldRequired) if (!newRequired.includes(name)) found.push(`${where}: ${String(name)} is no longer always present`);
    const newEnum = asList(now['enum']);
    for (const value of asList(old['enum'])) if (now['enum'] !== undefined && !newEnum.includes(value)) found.push(`${where}: enum value ${JSON.stringify(value)} removed`);
    if (old['items']) compare(`${where}[]`, asRecord(old['items']), asRecord(now['items']), direction, seen);
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      asList(old[key]).forEach((member, index) => {
        const next = asList(now[key])[index];
        if (next === undefined) found.push(`${where}: ${key}[${index}] removed`);
        else compare(`${where}.${key}[${index}]`, asRecord(member), asRecord(next), direction, seen);
      });
    }
  };
  for (const [path, operations] of Object.entries(baseline.paths)) {
    const currentOperations = current.paths[path];
    if (!currentOperations) {
      found.push(`${path} removed`);
      continue;
    }
    for (const [method, operation] of Object.entries(operations)) {
      const now = currentOperations[method];
      const where = `${method.toUpperCase()} ${path}`;
      if (!now) {
        found.push(`${where} removed`);
        continue;
      }
      const parameters = asList(now['parameters']).map(asRecord);
      for (const parameter of asList(operation['parameters']).map(asRecord)) {
        const match = parameters.find((candidate) => candidate['name'] === parameter['name'] && candidate['in'] === parameter['in']);
        if (!match) found.push(`${where}: ${String(parameter['in'])} parameter ${String(parameter['name'])} removed`);
        else {
          if (match['required'] === true && parameter['required'] !== true) found.push(`${where}: parameter ${String(parameter['name'])} became required`);
          compare(`${where} ${String(parameter['name'])}`, asRecord(parameter['schema']), asRecord(match['schema']), 'in', new Set());
        }
      }
      const body = asRecord(asRecord(asRecord(operation['requestBody'])['content'])['application/json'])['schema'];
      if (body) compare(`${where} body`, asRecord(body), asRecord(asRecord(asRecord(asRecord(now['requestBody'])['content'])['application/json'])['schema']), 'in', new Set());
      for (const [status, response] of Object.entries(asRecord(operation['responses']))) {
        const next = asRecord(now['responses'])[status];
        if (next === undefined) {
          found.push(`${where}: response ${status} removed`);
          continue;
        }
        const schema = asRecord(asRecord(asRecord(response)['content'])['application/json'])['schema'];
        if (schema) compare(`${where} ${status}`, asRecord(schema), asRecord(asRecord(asRecord(asRecord(next)['content'])['application/json'])['schema']), 'out', new Set());
      }
    }
  }
  for (const name of Object.keys(baseline.components?.schemas ?? {})) {
    if (!current.components?.schemas?.[name]) found.push(`component ${name} removed`);
  }
  return found;
}

/**
 * The v1 contract only grows: the OpenAPI document and the GraphQL schema served now are
 * checked against the baselines committed in api-baseline/ (the v1 surface before channels
 * became plugins). A removal or a new requirement fails here; replacing a baseline is a
 * deliberate, reviewed change of the contract.
 */
describe('API compatibility with the committed v1 baselines', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    database = await createTestDatabase('api_compat');
    redis = createTestRedis('api_compat');
    await migrateDatabase(database.url, 'test');
    app = await startTestGateway(database, redis);
  });

  afterAll(async () => {
    await app?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  it('the OpenAPI document removes nothing the baseline offers', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs-json' });
    const baseline = JSON.parse(readFileSync(join(BASELINE, 'openapi.json'), 'utf8')) as Document;
    expect(removals(baseline, response.json())).toEqual([]);
  });

  it('the checker sees a removal (it can fail)', () => {
    const baseline = JSON.parse(readFileSync(join(BASELINE, 'openapi.json'), 'utf8')) as Document;
    const pruned = structuredClone(baseline);
    delete pruned.paths['/v1/messages'];
    const [firstComponent] = Object.keys(pruned.components?.schemas ?? {});
    if (firstComponent) delete pruned.components?.schemas?.[firstComponent];
    expect(removals(baseline, pruned)).toEqual(expect.arrayContaining(['/v1/messages removed', `component ${firstComponent} removed`]));
  });

  it('the GraphQL schema has no breaking change against the baseline', () => {
    const baseline = buildSchema(readFileSync(join(BASELINE, 'schema.graphql'), 'utf8'));
    const current = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
    expect(findBreakingChanges(baseline, current).map((change) => `${change.type}: ${change.description}`)).toEqual([]);
  });
});
