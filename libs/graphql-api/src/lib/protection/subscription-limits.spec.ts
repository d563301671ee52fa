import { buildSchema } from 'graphql';
import { subscriptionLimitErrors } from './subscription-limits';
import { formatGraphqlError } from '../graphql-errors';

const schema = buildSchema(`
  type Meta { code: Int }
  type Failure { meta: Meta }
  type Change { id: ID, error: Failure, history(first: Int): [Change] }
  type Query { ok: Boolean }
  type Subscription { changed: Change }
`);
const limits = { maxDepth: 3, maxComplexity: 20, maxAliases: 30, maxTokens: 500 };
const format = formatGraphqlError(false);
const codesOf = (query: string, variables?: Record<string, unknown>) =>
  subscriptionLimitErrors(schema, limits, { query, ...(variables ? { variables } : {}) }).map((error) => format(error.toJSON(), error).extensions?.['code']);

describe('limits of a graphql-ws subscription (no Apollo plugin runs there)', () => {
  it('lets a subscription within the limits start', () => {
    expect(codesOf('subscription { changed { id error { __typename } } }')).toEqual([]);
  });

  it('refuses one past the depth or the cost limit, and a malformed one, with taxonomy codes', () => {
    expect(codesOf('subscription { changed { id error { meta { code } } } }')).toEqual(['query_too_deep']);
    const aliases = Array.from({ length: 20 }, (_, index) => `a${index}: id`).join(' ');
    expect(codesOf(`subscription { changed { ${aliases} } }`)).toEqual(['query_too_complex']);
    expect(codesOf('subscription($n: Int) { changed { history(first: $n) { id } } }', { n: 3 })).toEqual([]);
    expect(codesOf('subscription { changed { nope } }')).toEqual(['validation_failed']);
    expect(codesOf('subscription { changed {')).toEqual(['validation_failed']);
  });

  it('refuses more aliases or tokens than the limits before validating, fragments counted where spread', () => {
    const aliases = (count: number) => Array.from({ length: count }, (_, index) => `a${index}: id`).join(' ');
    expect(codesOf(`subscription { changed { ${aliases(31)} } }`)).toEqual(['query_too_complex']);
    expect(codesOf(`fragment F on Change { ${aliases(16)} } subscription { changed { ...F history { ...F } } }`)).toEqual(['query_too_complex']);
    expect(codesOf(`subscription { changed { ${Array.from({ length: 600 }, () => 'id').join(' ')} } }`)).toEqual(['query_too_complex']);
  });
});
