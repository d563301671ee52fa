import { Body, Controller, Get, Module, Post, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { z } from 'zod';
import { ApiContractErrors, ApiTenantAuth, ApiZodBody, ApiZodQuery, ApiZodResponse, CONTRACT_ERROR_SCHEMA_NAME, setupOpenApi } from './openapi';

const querySchema = z.strictObject({
  status: z.enum(['queued', 'sent']).optional(),
  from: z.string().regex(/^[0-9]{1,32}$/),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  note: z.string().describe('from the schema').optional(),
});
const bodySchema = z.strictObject({ name: z.string().min(1) });

@ApiTenantAuth()
@Controller('v1/things')
class ThingsController {
  @Get()
  @ApiZodQuery(querySchema, { from: 'phone_number_id' })
  @ApiZodResponse(200, 'Things', z.object({ data: z.array(z.string()) }), { data: ['a'] })
  list(@Query() query: unknown) {
    return { data: [String(query)] };
  }

  @Post()
  @ApiZodBody(bodySchema, { name: 'a' })
  @ApiZodResponse(201, 'Created', bodySchema, { name: 'a' })
  @ApiContractErrors(409)
  create(@Body() body: unknown) {
    return body;
  }
}

@Controller('health')
class HealthController {
  @Get()
  live() {
    return { status: 'ok' };
  }
}

@Module({ controllers: [ThingsController, HealthController] })
class ThingsModule {}

interface Media {
  schema: Record<string, unknown>;
  example: { error: { code: string } } & Record<string, unknown>;
}
interface Operation {
  parameters: Array<{ name: string } & Record<string, unknown>>;
  security: unknown;
  requestBody: { content: Record<string, Media> };
  responses: Record<string, { headers?: Record<string, unknown>; content: Record<string, Media> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties: { error: { required: string[] } } }> };
}

describe('OpenAPI from the zod schemas', () => {
  let app: NestFastifyApplication;
  let document: Document;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(ThingsModule, new FastifyAdapter(), { logger: false });
    setupOpenApi(app, 'v1');
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    document = (await app.inject({ method: 'GET', url: '/docs-json' })).json();
  });

  afterAll(() => app?.close());

  it('documents only /v1 routes', () => {
    expect(Object.keys(document.paths)).toEqual(['/v1/things']);
  });

  it('turns each property of a query schema into a parameter: type, required, enum, pattern, bounds, default, description', () => {
    const parameters = document.paths['/v1/things']?.['get']?.parameters ?? [];
    expect(Object.fromEntries(parameters.map(({ name, ...rest }) => [name, rest]))).toEqual({
      status: { in: 'query', required: false, schema: { type: 'string', enum: ['queued', 'sent'] } },
      from: { in: 'query', required: true, description: 'phone_number_id', schema: { type: 'string', pattern: '^[0-9]{1,32}$' } },
      limit: { in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } },
      note: { in: 'query', required: false, description: 'from the schema', schema: { type: 'string', description: 'from the schema' } },
    });
    expect(document.paths['/v1/things']?.['get']?.responses['400']).toBeDefined();
  });

  it('points every error answer at the one contract error schema, with an example per status and Retry-After on 429', () => {
    const post = document.paths['/v1/things']?.['post'] as Operation;
    expect(Object.keys(post.responses).sort()).toEqual(['201', '400', '401', '409', '413', '415', '429', '500']);
    for (const status of ['400', '401', '409', '413', '415', '429', '500']) {
      const media = post.responses[status]?.content['application/json'];
      expect(media?.schema).toEqual({ $ref: `#/components/schemas/${CONTRACT_ERROR_SCHEMA_NAME}` });
      expect(media?.example.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String), requestId: expect.any(String) }));
    }
    expect(post.responses['429']?.headers).toHaveProperty('Retry-After');
    expect(post.responses['401']?.content['application/json']?.example.error.code).toBe('unauthorized');
    expect(post.security).toEqual([{ 'tenant-key': [] }]);
    expect(document.components.schemas[CONTRACT_ERROR_SCHEMA_NAME]?.properties.error.required).toEqual(['code', 'message', 'requestId']);
  });

  it('carries the body schema with its example and the success schema with its example', () => {
    const post = document.paths['/v1/things']?.['post'] as Operation;
    expect(post.requestBody.content['application/json']?.schema).toMatchObject({ type: 'object', required: ['name'], example: { name: 'a' } });
    expect(post.responses['201']?.content['application/json']).toMatchObject({ schema: { type: 'object' }, example: { name: 'a' } });
  });
});
