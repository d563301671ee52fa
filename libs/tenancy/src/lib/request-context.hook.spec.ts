import { AsyncResource } from 'node:async_hooks';
import { Controller, Get, Module } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { RequestContext } from './request-context';
import { RequestContextHook } from './request-context.hook';

@Controller('context')
class ContextController {
  @Get()
  async read(): Promise<Record<string, string>> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return RequestContext.logFields();
  }
}

@Module({ controllers: [ContextController], providers: [RequestContextHook] })
class ContextTestModule {}

describe('RequestContextHook', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ContextTestModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter({ requestIdHeader: 'x-request-id' }));
    // A plain Fastify route in its own plugin scope with a raw body, like the webhook routes: the
    // context must survive the body being read.
    void app
      .getHttpAdapter()
      .getInstance()
      .register(async (scope) => {
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
        scope.post('/raw', async () => RequestContext.logFields());
      });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
  });

  it("opens a context with the request's id for Nest's routes, across awaits", async () => {
    const response = await app.inject({ method: 'GET', url: '/context', headers: { 'x-request-id': 'req-nest' } });
    expect(response.json()).toEqual({ requestId: 'req-nest' });
  });

  it('opens one for plain Fastify routes in another plugin scope too, after their body is read', async () => {
    const response = await app.inject({ method: 'POST', url: '/raw', headers: { 'x-request-id': 'req-raw', 'content-type': 'application/octet-stream' }, payload: Buffer.alloc(64 * 1024, 1) });
    expect(response.json()).toEqual({ requestId: 'req-raw' });
  });

  it('keeps the context through the body parser without AsyncResource.bind', async () => {
    // bind's deprecated accessors are wrappers that take a fresh closure as their prototype: a map in
    // the old generation per request that keeps the request alive until a full collection (Fastify < 5.12).
    const bind = jest.spyOn(AsyncResource.prototype, 'bind');
    try {
      const response = await app.inject({ method: 'POST', url: '/raw', headers: { 'x-request-id': 'req-body', 'content-type': 'application/json' }, payload: '{"a":1}' });
      expect(response.json()).toEqual({ requestId: 'req-body' });
      expect(bind).not.toHaveBeenCalled();
    } finally {
      bind.mockRestore();
    }
  });

  it('gives each request its own context', async () => {
    const responses = await Promise.all(['a', 'b', 'c'].map((id) => app.inject({ method: 'GET', url: '/context', headers: { 'x-request-id': `req-${id}` } })));
    expect(responses.map((response) => response.json())).toEqual([{ requestId: 'req-a' }, { requestId: 'req-b' }, { requestId: 'req-c' }]);
  });
});
