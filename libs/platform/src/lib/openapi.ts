import { applyDecorators, type INestApplication } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiResponse, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
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

export function ApiZodBody(schema: z.ZodType, example?: unknown) {
  return ApiBody({ schema: { ...openApiSchema(schema), ...(example === undefined ? {} : { example }) } });
}

export function ApiZodResponse(status: number, description: string, schema?: z.ZodType) {
  return ApiResponse({ status, description, ...(schema ? { schema: openApiSchema(schema) } : {}) });
}

/** The contract's error body (§3) for each status the route can answer with. */
export function ApiContractErrors(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: `Error (contract §3 body)`, schema: openApiSchema(contractErrorSchema) }),
    ),
  );
}

export const ApiTenantAuth = () => ApiBearerAuth('tenant-key');
export const ApiOperatorAuth = () => ApiBearerAuth('operator-key');

/** GET /docs (UI) and GET /docs-json (the OpenAPI document of every /v1 route). */
export function setupOpenApi(app: INestApplication, version: string): void {
  const config = new DocumentBuilder()
    .setTitle('Switchboard')
    .setDescription('WhatsApp Business Cloud API gateway. Errors always use the contract body: {error: {code, message, details?, meta?, requestId}}.')
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'sbk_live_... or sbk_test_...' }, 'tenant-key')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_API_KEY (only /v1/admin/*)' }, 'operator-key')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => path.startsWith('/v1/')));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
