/**
 * A Redis Cluster stores a key on the slot of the part between its first `{` and the
 * next `}`: keys that one Lua script or multi-key command touches must carry the same
 * tag, or the cluster refuses the call (CROSSSLOT). On a single server a tag is just
 * part of the name.
 */
export function hashTag(value: string): string {
  return `{${value}}`;
}
