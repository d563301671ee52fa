import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

function literal(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((field) => [field.name.value, literal(field.value)]));
    case Kind.LIST:
      return node.values.map(literal);
    case Kind.NULL:
      return null;
    case Kind.VARIABLE:
    case Kind.ENUM:
      throw new GraphQLError('JSON literals take no variables or enum values inside; pass the whole object as a variable');
  }
}

/**
 * Meta's message and template objects as they are: the same zod schemas as REST parse
 * them, so GraphQL does not keep a second, drifting copy of every WhatsApp shape.
 */
export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value; validated by the same schema as the REST body it stands for.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literal,
});

/** Our views carry RFC 3339 strings; Nest's own DateTime serialises only Date objects. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An RFC 3339 date-time in UTC, e.g. 2026-12-06T09:54:33.000Z.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
  parseValue: (value) => {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new GraphQLError('DateTime must be an RFC 3339 string');
    return value;
  },
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING || Number.isNaN(Date.parse(node.value))) throw new GraphQLError('DateTime must be an RFC 3339 string');
    return node.value;
  },
});
