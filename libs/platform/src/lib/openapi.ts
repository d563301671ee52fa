import { applyDecorators, type INestApplication } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiQuery, ApiResponse, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { TAXONOMY_CODES } from '@switchboard/error-taxonomy';
import { z } from 'zod';

type SchemaObject = Record<string, unknown>;

/** The zod schema that validates a request is also its documentation: one source of truth. */
export function openApiSchema(schema: z.ZodType): SchemaObject {
  const document = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as SchemaObject;
  delete document['$schema'];
  return document;
}

export const contractErrorSchema = z.object({
  error: z.object({
    code: z.enum(TAXONOMY_CODES as [string, ...string[]]),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), issue: z.string() })).optional(),
    meta: z.object({ code: z.number().int(), title: z.string() }).optional(),
    requestId: z.string(),
  }),
});

/**
 * The contract's error body lives once in `components.schemas` and every error answer
 * points at it: the document stays small and a generated client gets one error type.
 */
export const CONTRACT_ERROR_SCHEMA_NAME = 'ContractError';
const contractErrorRef = { $ref: `#/components/schemas/${CONTRACT_ERROR_SCHEMA_NAME}` };

type ContractErrorExample = Omit<z.input<typeof contractErrorSchema>['error'], 'requestId'>;

/** The statuses a /v1 route answers with the contract's error body (§3). */
export type ContractErrorStatus = 400 | 401 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 502 | 503 | 504;

interface ContractErrorAnswer {
  description: string;
  example: ContractErrorExample;
  headers?: Record<string, { description: string; schema: SchemaObject }>;
}

const CONTRACT_ERRORS: Record<ContractErrorStatus, ContractErrorAnswer> = {
  400: {
    description: 'validation_failed: the input is not valid; `details` names each problem',
    example: { code: 'validation_failed', message: 'The request is not valid', details: [{ path: 'to', issue: 'Invalid input: expected string, received undefined' }] },
  },
  401: { description: 'unauthorized: missing or invalid API key', example: { code: 'unauthorized', message: 'Missing or invalid API key' } },
  404: {
    description: "not_found: no such resource in this tenant environment (another tenant's resources are never revealed)",
    example: { code: 'not_found', message: 'No message msg_01JQ3V6Z8Y2K4W5X7A9B0C1D2E' },
  },
  409: {
    description: 'The request conflicts with what exists: a value already taken (conflict), an Idempotency-Key reused with another body (idempotency_conflict), a state that forbids it',
    example: { code: 'conflict', message: 'The resource already exists', details: [{ path: 'slug', issue: 'already taken' }] },
  },
  413: { description: 'payload_too_large: the body is larger than the gateway accepts', example: { code: 'payload_too_large', message: 'The request body is too large' } },
  415: { description: 'validation_failed: the body is not JSON', example: { code: 'validation_failed', message: 'Send application/json' } },
  422: {
    description: 'Refused by a check (recipient, window, template, token, ...) or by Meta; `meta` carries the Meta error when there is one',
    example: {
      code: 'window_closed',
      message: 'The 24 h customer-service window with 14155551234 is closed; send a template',
      meta: { code: 131047, title: 'Re-engagement message' },
    },
  },
  429: {
    description: "Too many requests: this tenant environment's request quota (rate_limited), or Meta throttling the call behind the route; wait Retry-After seconds",
    example: { code: 'rate_limited', message: 'Request quota of this tenant environment (2000 requests) is spent; retry after 1 s' },
    headers: { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } } },
  },
  500: { description: 'internal_error: an unexpected failure of the gateway (the message never leaks internals)', example: { code: 'internal_error', message: 'Internal error' } },
  502: { description: 'Meta answered with an error or something unreadable (upstream_error, upstream_protocol_error)', example: { code: 'upstream_error', message: 'Graph API answered 500' } },
  503: { description: 'Meta is unavailable or in maintenance (upstream_unavailable, account_maintenance)', example: { code: 'upstream_unavailable', message: 'Graph API is unavailable' } },
  504: { description: 'upstream_timeout: Meta did not answer in time', example: { code: 'upstream_timeout', message: 'Graph API did not answer within 10000 ms' } },
};

/** Any uuid: the real one is the request's X-Request-Id, or one the gateway generated. */
const EXAMPLE_REQUEST_ID = '5f0c6a3e-8d1b-4c2a-9e7f-3b6d2a1c0e94';

/** The contract's error body (§3), with an example, for each status the route can answer with. */
export function ApiContractErrors(...statuses: ContractErrorStatus[]) {
  return applyDecorators(
    ...statuses.map((status) => {
      const { description, example, headers } = CONTRACT_ERRORS[status];
      return ApiResponse({
        status,
        description,
        schema: contractErrorRef,
        example: { error: { ...example, requestId: EXAMPLE_REQUEST_ID } },
        ...(headers ? { headers } : {}),
      });
    }),
  );
}

/**
 * A JSON body, documented from the schema that parses it. Every such route also answers
 * 400 (the schema refused it, or it is not JSON), 413 (over Fastify's body limit, before
 * the route runs) and 415 (a content type no parser accepts).
 */
export function ApiZodBody<S extends z.ZodType>(schema: S, example: z.input<S>) {
  return applyDecorators(ApiBody({ schema: { ...openApiSchema(schema), example } }), ApiContractErrors(400, 413, 415));
}

/**
 * Each property of the zod object that parses `@Query()` as one query parameter (type,
 * required, enum, pattern, bounds, default), so the document cannot drift from the check.
 * `descriptions` adds words the schema itself does not carry; a refused query is a 400.
 */
export function ApiZodQuery<S extends z.ZodObject>(schema: S, descriptions: Partial<Record<keyof z.input<S> & string, string>> = {}) {
  const document = openApiSchema(schema) as { properties?: Record<string, SchemaObject>; required?: string[] };
  const required = new Set(document.required ?? []);
  const described: Partial<Record<string, string>> = descriptions;
  return applyDecorators(
    ...Object.entries(document.properties ?? {}).map(([name, property]) => {
      const description = described[name] ?? property['description'];
      return ApiQuery({ name, required: required.has(name), schema: property, ...(typeof description === 'string' ? { description } : {}) });
    }),
    ApiContractErrors(400),
  );
}

/** A success answer: its schema and an example typed by that schema; 204 carries neither. */
export function ApiZodResponse(status: 204, description: string): MethodDecorator & ClassDecorator;
export function ApiZodResponse<S extends z.ZodType>(status: 200 | 201 | 202, description: string, schema: S, example: z.input<S>): MethodDecorator & ClassDecorator;
export function ApiZodResponse(status: number, description: string, schema?: z.ZodType, example?: unknown) {
  return ApiResponse({ status, description, ...(schema ? { schema: openApiSchema(schema), example } : {}) });
}

/**
 * Tenant routes: the tenant key, and the answers every one of them can give whatever it
 * does: 401 from the guard, 429 from the tenant quota (it counts every tenant request),
 * 500 from the contract filter.
 */
export const ApiTenantAuth = () => applyDecorators(ApiBearerAuth('tenant-key'), ApiContractErrors(401, 429, 500));

/** Operator routes (/v1/admin): the operator key; the quota does not count them. */
export const ApiOperatorAuth = () => applyDecorators(ApiBearerAuth('operator-key'), ApiContractErrors(401, 500));

/** GET /docs (UI) and GET /docs-json (the OpenAPI document of every /v1 route). */
export function setupOpenApi(app: INestApplication, version: string): void {
  const config = new DocumentBuilder()
    .setTitle('Switchboard')
    .setDescription(`WhatsApp Business Cloud API gateway. Every error answer of /v1 has the contract body ${CONTRACT_ERROR_SCHEMA_NAME}: {error: {code, message, details?, meta?, requestId}}.`)
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'sbk_live_... or sbk_test_...' }, 'tenant-key')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_API_KEY (only /v1/admin/*)' }, 'operator-key')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => path.startsWith('/v1/')));
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, [CONTRACT_ERROR_SCHEMA_NAME]: openApiSchema(contractErrorSchema) },
  };
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
