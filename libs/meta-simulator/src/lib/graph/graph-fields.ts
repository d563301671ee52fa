import { GraphError } from './graph-error';

/**
 * Graph's `fields` parameter: with it, only the named fields (plus `id`, which
 * Graph always returns); without it, the edge's default fields. A field the
 * node does not have is an error, as on Graph.
 */
export function projectFields(
  node: Record<string, unknown>,
  fieldsParam: unknown,
  defaults: readonly string[],
  nodeType: string,
): Record<string, unknown> {
  const requested =
    typeof fieldsParam === 'string' && fieldsParam.trim() !== ''
      ? fieldsParam
          .split(',')
          .map((field) => field.trim())
          .filter(Boolean)
      : defaults;
  const result: Record<string, unknown> = {};
  for (const field of requested) {
    // Graph allows sub-selections such as `throughput{level}`; the whole object is returned here.
    const name = field.replace(/\{.*\}$/, '');
    if (!(name in node)) {
      throw new GraphError(100, { details: `Tried accessing nonexisting field (${name}) on node type (${nodeType})` });
    }
    if (node[name] !== undefined) result[name] = node[name];
  }
  result['id'] = node['id'];
  return result;
}
