import { SwitchboardError } from '@switchboard/error-taxonomy';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerWellFormedBodyCheck } from './well-formed-body.hook';

describe('registerWellFormedBodyCheck', () => {
  let fastify: FastifyInstance;

  beforeAll(async () => {
    fastify = Fastify();
    registerWellFormedBodyCheck(fastify);
    fastify.setErrorHandler((error: unknown, _request, reply) =>
      SwitchboardError.isSwitchboardError(error) ? reply.code(error.httpStatus).send({ code: error.code }) : reply.code(500).send({ code: 'other' }),
    );
    fastify.post('/echo', (request) => ({ body: request.body }));
    await fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
      scope.post('/raw', (request) => ({ bytes: (request.body as Buffer).length }));
    });
    await fastify.ready();
  });

  afterAll(() => fastify.close());

  const post = (payload: string, url = '/echo') => fastify.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });

  it('lets JSON through, surrogate pairs (emoji) included', async () => {
    const answer = await post('{"text":"\\ud83d\\ude00 ok","n":[1,{"a":null}]}');
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ body: { text: '😀 ok', n: [1, { a: null }] } });
  });

  it('refuses a lone surrogate in a value, deep in an array or in a key as validation_failed', async () => {
    for (const payload of ['{"a":"\\ud800"}', '{"a":[{"b":"x\\udfff"}]}', '{"\\udc00":1}', '"\\ud83d"', '{"a":"\\ude00\\ud83d"}']) {
      const answer = await post(payload);
      expect({ payload, status: answer.statusCode, body: answer.json() }).toEqual({ payload, status: 400, body: { code: 'validation_failed' } });
    }
  });

  it('leaves raw bodies (the webhook route keeps bytes) alone', async () => {
    const answer = await post('{"a":"\\ud800"}', '/raw');
    expect(answer.json()).toEqual({ bytes: 14 });
  });
});
