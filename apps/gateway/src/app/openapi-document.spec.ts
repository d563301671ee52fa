import { RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CONTRACT_ERROR_SCHEMA_NAME, contractErrorSchema, migrateDatabase } from '@switchboard/platform';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { startTestGateway } from './gateway.test-helper';

/** A route as Nest registered it: read from the controllers' metadata, confirmed in Fastify. */
interface NestRoute {
  method: string;
  /** OpenAPI form: /v1/messages/{id} */
  path: string;
  status: number;
  takesBody: boolean;
  takesQuery: boolean;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: { type?: string; enum?: unknown[] };
}
interface MediaType {
  schema?: { $ref?: string; example?: unknown };
  example?: unknown;
}
interface Response {
  headers?: Record<string, unknown>;
  content?: Record<string, MediaType>;
}
interface Operation {
  operationId?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, MediaType> };
  responses?: Record<string, Response>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

const CONTRACT_ERROR_REF = `#/components/schemas/${CONTRACT_ERROR_SCHEMA_NAME}`;

function joinPath(...parts: string[]): string {
  return `/${parts.flatMap((part) => part.split('/')).filter(Boolean).join('/')}`;
}

function routesOf(app: NestFastifyApplication): NestRoute[] {
  const scanner = new MetadataScanner();
  const fastify = app.getHttpAdapter().getInstance();
  const routes = new Map<string, NestRoute>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (typeof metatype !== 'function') continue;
      const prefixes = [Reflect.getMetadata(PATH_METADATA, metatype) as string | string[]].flat();
      const prototype = metatype.prototype as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as object;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (paths === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const args = Object.keys((Reflect.getMetadata(ROUTE_ARGS_METADATA, metatype, name) as object | undefined) ?? {});
        for (const prefix of prefixes) {
          for (const path of [paths].flat()) {
            const url = joinPath(prefix, path);
            if (!fastify.hasRoute({ method: method as 'GET', url })) throw new Error(`${method} ${url} is in Nest's metadata but not served by Fastify`);
            const route = {
              method: method.toLowerCase(),
              path: url.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
              status: (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (method === 'POST' ? 201 : 200),
              takesBody: args.some((key) => key.startsWith(`${RouteParamtypes.BODY}:`)),
              takesQuery: args.some((key) => key.startsWith(`${RouteParamtypes.QUERY}:`)),
            };
            routes.set(`${route.method} ${route.path}`, route);
          }
        }
      }
    }
  }
  return [...routes.values()];
}

function exampleOf(media: MediaType | undefined): unknown {
  return media?.example ?? media?.schema?.example;
}

/** Everything issue 9 asks of one operation; each problem as one readable line. */
function problemsOf(route: NestRoute, operation: Operation): string[] {
  const problems: string[] = [];
  const problem = (text: string) => problems.push(`${route.method.toUpperCase()} ${route.path}: ${text}`);
  const responses = operation.responses ?? {};
  const parameters = operation.parameters ?? [];
  const tenantRoute = !route.path.startsWith('/v1/admin/');

  if (!operation.operationId || !/^[a-z][A-Za-z0-9]*$/.test(operation.operationId)) {
    problem(`operationId ${operation.operationId ?? '(none)'} is not a camelCase method name (add @ApiOperation({ operationId }))`);
  }
  if (!operation.tags?.length) problem('no tag');
  const scheme = tenantRoute ? 'tenant-key' : 'operator-key';
  if (JSON.stringify(operation.security) !== JSON.stringify([{ [scheme]: [] }])) problem(`security is ${JSON.stringify(operation.security)}, not ${scheme}`);

  for (const name of [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1])) {
    const parameter = parameters.find((candidate) => candidate.in === 'path' && candidate.name === name);
    if (!parameter?.required || !parameter.schema?.type) problem(`path parameter ${name} is missing or has no schema`);
  }
  const queries = parameters.filter((parameter) => parameter.in === 'query');
  if (route.takesQuery && queries.length === 0) problem('parses a query that the document does not describe');
  for (const query of queries) if (!query.schema?.type && !query.schema?.enum) problem(`query parameter ${query.name} has no schema`);

  const body = operation.requestBody?.content?.['application/json'];
  if (route.takesBody && !body?.schema) problem('takes a body without a schema');
  if (route.takesBody && exampleOf(body) === undefined) problem('takes a body without an example');
  if (!route.takesBody && operation.requestBody) problem('documents a body it does not read');

  const success = Object.keys(responses).filter((status) => status.startsWith('2'));
  if (JSON.stringify(success) !== JSON.stringify([String(route.status)])) problem(`success responses ${success.join(',') || '(none)'}, the route answers ${route.status}`);
  const answer = responses[String(route.status)]?.content?.['application/json'];
  if (route.status === 204 && responses['204']?.content) problem('204 with a body');
  if (route.status !== 204 && (!answer?.schema || exampleOf(answer) === undefined)) problem(`${route.status} without a schema and an example`);

  const required = [401, 500];
  if (tenantRoute) required.push(429);
  if (route.takesBody || route.takesQuery) required.push(400);
  if (route.takesBody) required.push(413, 415);
  if (route.path.includes('{')) required.push(404);
  for (const status of required) if (!responses[String(status)]) problem(`no ${status} answer`);

  for (const [status, response] of Object.entries(responses).filter(([status]) => Number(status) >= 400)) {
    const media = response.content?.['application/json'];
    if (media?.schema?.$ref !== CONTRACT_ERROR_REF) problem(`${status} does not $ref ${CONTRACT_ERROR_REF}`);
    const example = contractErrorSchema.safeParse(exampleOf(media));
    if (!example.success) problem(`${status} has no example of the contract error body`);
    if (status === '429' && !response.headers?.['Retry-After']) problem('429 without its Retry-After header');
  }
  return problems;
}

/**
 * Issue 9 point 5: the OpenAPI document covers every /v1 route that Nest serves, each
 * with what a generated client and a reader need. A route added without its decorators
 * fails here, whichever lib it lives in.
 */
describe('the OpenAPI document (GET /docs-json) of the gateway', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let app: NestFastifyApplication;
  let document: OpenApiDocument;
  let routes: NestRoute[];

  beforeAll(async () => {
    database = await createTestDatabase('openapi');
    redis = createTestRedis('openapi');
    await migrateDatabase(database.url, 'test');
    app = await startTestGateway(database, redis);
    const response = await app.inject({ method: 'GET', url: '/docs-json' });
    expect(response.statusCode).toBe(200);
    document = response.json();
    routes = routesOf(app).filter((route) => route.path.startsWith('/v1/'));
  });

  afterAll(async () => {
    await app?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  it('documents every /v1 route Nest serves, and nothing else', () => {
    const served = routes.map((route) => `${route.method} ${route.path}`).sort();
    const documented = Object.entries(document.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`))
      .sort();
    expect(served.length).toBeGreaterThan(30);
    expect(documented).toEqual(served);
  });

  it('gives each operation a unique client method name, a tag, its key, its input, its answer and every contract error it can send', () => {
    const problems = routes.flatMap((route) => {
      const operation = document.paths[route.path]?.[route.method];
      return operation ? problemsOf(route, operation) : [];
    });
    expect(problems).toEqual([]);

    const operationIds = routes.map((route) => document.paths[route.path]?.[route.method]?.operationId);
    expect(new Set(operationIds).size).toBe(operationIds.length);
  });

  it('holds the contract error body once, and both keys as bearer schemes', () => {
    expect(document.components?.schemas?.[CONTRACT_ERROR_SCHEMA_NAME]).toMatchObject({
      type: 'object',
      required: ['error'],
      properties: { error: { required: ['code', 'message', 'requestId'] } },
    });
    expect(document.components?.securitySchemes).toEqual({
      'tenant-key': expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      'operator-key': expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
  });

  it('serves the UI at /docs', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('swagger-ui');
  });
});
