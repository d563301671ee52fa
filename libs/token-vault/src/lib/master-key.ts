import { createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

export const MASTER_KEY_BYTES = 32;

const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/**
 * The id stored beside every wrapped data key: the first 8 hex characters of the key's
 * SHA-256. It tells which key to unwrap with, and reveals nothing usable about the key.
 */
export function masterKeyId(material: Buffer): string {
  return createHash('sha256').update(material).digest('hex').slice(0, 8);
}

/**
 * One AES-256 master key. The material sits in a private field and the object prints
 * and serialises as its id only, so a logged config or error never carries it.
 */
export class MasterKey {
  readonly id: string;
  readonly #material: Buffer;

  private constructor(material: Buffer) {
    this.#material = Buffer.from(material);
    this.id = masterKeyId(this.#material);
  }

  static fromBytes(material: Buffer): MasterKey {
    if (material.length !== MASTER_KEY_BYTES) {
      throw new RangeError(`A master key is exactly ${MASTER_KEY_BYTES} bytes`);
    }
    return new MasterKey(material);
  }

  /** Undefined when the text is not base64 (standard or url-safe) of exactly 32 bytes. */
  static tryFromBase64(text: string): MasterKey | undefined {
    const trimmed = text.trim();
    if (!BASE64_KEY.test(trimmed)) return undefined;
    const material = Buffer.from(trimmed, 'base64');
    return material.length === MASTER_KEY_BYTES ? new MasterKey(material) : undefined;
  }

  static generate(): MasterKey {
    return new MasterKey(randomBytes(MASTER_KEY_BYTES));
  }

  /** For the crypto layer only; never log or return it. */
  material(): Buffer {
    return this.#material;
  }

  /** Base64 of the material: only for writing the development key file. */
  toBase64(): string {
    return this.#material.toString('base64');
  }

  toJSON(): { id: string } {
    return { id: this.id };
  }

  toString(): string {
    return `MasterKey(${this.id})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * The current master key (seals and re-wraps) and retired ones (read only, until a
 * rotation has re-wrapped every data key they protect).
 */
export class MasterKeyRing {
  readonly current: MasterKey;
  readonly previous: readonly MasterKey[];
  readonly #byId: ReadonlyMap<string, MasterKey>;

  constructor(current: MasterKey, previous: readonly MasterKey[] = []) {
    const byId = new Map<string, MasterKey>([[current.id, current]]);
    const kept: MasterKey[] = [];
    for (const key of previous) {
      const known = byId.get(key.id);
      if (known) {
        // Listing the current key among the previous ones is harmless; two different
        // keys with one id (a 1-in-4-billion accident) would make reads ambiguous.
        if (!known.material().equals(key.material())) {
          throw new Error(`Two different master keys share the id ${key.id}; replace one of them`);
        }
        continue;
      }
      byId.set(key.id, key);
      kept.push(key);
    }
    this.current = current;
    this.previous = kept;
    this.#byId = byId;
  }

  /** Throws (without echoing anything) when a text is not a 32-byte base64 key. */
  static fromBase64(current: string, previous: readonly string[] = []): MasterKeyRing {
    const decode = (text: string, what: string): MasterKey => {
      const key = MasterKey.tryFromBase64(text);
      if (!key) throw new Error(`${what} is not base64 of exactly ${MASTER_KEY_BYTES} bytes`);
      return key;
    };
    return new MasterKeyRing(
      decode(current, 'The current master key'),
      previous.map((text, index) => decode(text, `Previous master key #${index + 1}`)),
    );
  }

  get(id: string): MasterKey | undefined {
    return this.#byId.get(id);
  }

  get ids(): string[] {
    return [...this.#byId.keys()];
  }

  toJSON(): { current: string; previous: string[] } {
    return { current: this.current.id, previous: this.previous.map((key) => key.id) };
  }

  [inspect.custom](): string {
    return `MasterKeyRing(current ${this.current.id}; previous ${this.previous.map((k) => k.id).join(', ') || 'none'})`;
  }
}
