import { randomBytes, randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { Test } from '@nestjs/testing';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { createDataSource, MIGRATIONS, PersistenceModule, runMigrations } from '@switchboard/persistence';
import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import type { DataSource } from 'typeorm';
import { MasterKey, MasterKeyRing } from './master-key';
import { TOKEN_VAULT } from './token-vault.constants';
import { TokenVaultModule } from './token-vault.module';
import { createTokenVault, TokenVault } from './token-vault.service';
import { VaultError } from './vault-error';
import { normaliseScope, platformScope, type TenantVaultScope } from './vault-scope';

const secret = () => `test-secret-${randomBytes(24).toString('base64url')}`;

async function caught(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('TokenVault on the real Postgres', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let keys: MasterKeyRing;
  let vault: TokenVault;

  const createTenant = async (): Promise<string> => {
    const rows = (await dataSource.query(`INSERT INTO tenants (slug, name) VALUES ($1, $2) RETURNING id`, [
      `t-${randomBytes(6).toString('hex')}`,
      'Vault test tenant',
    ])) as Array<{ id: string }>;
    return (rows[0] as { id: string }).id;
  };

  const scopeOf = async (change: Partial<TenantVaultScope> = {}): Promise<TenantVaultScope> => ({
    tenantId: await createTenant(),
    environment: 'live',
    purpose: 'waba_access_token',
    ownerRef: `waba-${randomBytes(4).toString('hex')}`,
    ...change,
  });

  /** Copies a row's bytes under another scope, as someone with write access to the table could. */
  const copyRow = async (id: string, to: { tenantId?: string; environment?: string; purpose?: string; ownerRef?: string }) => {
    await dataSource.query(
      `INSERT INTO vault_secrets (tenant_id, environment, purpose, owner_ref, master_key_id,
                                  wrapped_key, wrap_iv, wrap_tag, ciphertext, iv, tag)
       SELECT coalesce($2::uuid, tenant_id), coalesce($3, environment), coalesce($4, purpose), coalesce($5, owner_ref),
              master_key_id, wrapped_key, wrap_iv, wrap_tag, ciphertext, iv, tag
         FROM vault_secrets WHERE id = $1`,
      [id, to.tenantId ?? null, to.environment ?? null, to.purpose ?? null, to.ownerRef ?? null],
    );
  };

  beforeAll(async () => {
    database = await createTestDatabase('token_vault');
    dataSource = createDataSource({ url: database.url, poolSize: 3 });
    await dataSource.initialize();
    await runMigrations(dataSource);
    keys = new MasterKeyRing(MasterKey.generate());
    vault = createTokenVault(dataSource, keys, { cacheTtlMs: 0 });
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('round-trips a secret and returns a ref without it', async () => {
    const scope = await scopeOf();
    const plaintext = secret();
    const ref = await vault.put(scope, plaintext);
    expect(ref).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ...scope,
      masterKeyId: keys.current.id,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
      rotatedAt: null,
    });
    expect(JSON.stringify(ref)).not.toContain(plaintext);
    expect(await vault.get(scope)).toBe(plaintext);
    expect(await vault.find(scope)).toBe(plaintext);
    // Unicode survives, and an upper-case tenant id is the same tenant.
    const unicode = `ключ-${secret()}-🔑`;
    await vault.put({ ...scope, purpose: 'meta_verify_token' }, unicode);
    expect(await vault.get({ ...scope, tenantId: scope.tenantId.toUpperCase(), purpose: 'meta_verify_token' })).toBe(unicode);
  });

  it('put replaces the value in place under a fresh data key', async () => {
    const scope = await scopeOf();
    const first = await vault.put(scope, secret());
    const before = (await dataSource.query(`SELECT wrapped_key FROM vault_secrets WHERE id = $1`, [first.id])) as Array<{ wrapped_key: Buffer }>;
    const replacement = secret();
    const second = await vault.put(scope, replacement);
    expect(second.id).toBe(first.id);
    expect(second.createdAt).toEqual(first.createdAt);
    const after = (await dataSource.query(`SELECT wrapped_key FROM vault_secrets WHERE id = $1`, [first.id])) as Array<{ wrapped_key: Buffer }>;
    expect(after[0]?.wrapped_key.equals(before[0]?.wrapped_key as Buffer)).toBe(false);
    expect(await vault.get(scope)).toBe(replacement);
  });

  it('keeps live and test apart: a test scope never reads the live secret', async () => {
    const live = await scopeOf({ environment: 'live' });
    const test: TenantVaultScope = { ...live, environment: 'test' };
    await vault.put(live, secret());
    expect(await vault.find(test)).toBeUndefined();
    const error = await caught(vault.get(test));
    expect(error).toBeInstanceOf(VaultError);
    expect((error as VaultError).reason).toBe('vault_secret_not_found');
    expect((error as VaultError).code).toBe('not_found');

    const testSecret = secret();
    await vault.put(test, testSecret);
    expect(await vault.get(test)).toBe(testSecret);
    expect(await vault.get(live)).not.toBe(testSecret);
  });

  it.each([
    ['tenant', 'tenantId'],
    ['environment', 'environment'],
    ['purpose', 'purpose'],
    ['owner', 'ownerRef'],
  ] as const)('a row copied to another %s fails to decrypt with a clear error that names the scope', async (_, field) => {
    const scope = await scopeOf();
    const plaintext = secret();
    const ref = await vault.put(scope, plaintext);
    const target: TenantVaultScope = {
      ...scope,
      ...(field === 'tenantId' ? { tenantId: await createTenant() } : {}),
      ...(field === 'environment' ? { environment: 'test' } : {}),
      ...(field === 'purpose' ? { purpose: 'meta_app_secret' } : {}),
      ...(field === 'ownerRef' ? { ownerRef: `${scope.ownerRef}-other` } : {}),
    };
    await copyRow(ref.id, target);

    const error = await caught(vault.get(target));
    expect(error).toBeInstanceOf(VaultError);
    expect(SwitchboardError.isSwitchboardError(error)).toBe(true);
    const vaultError = error as VaultError;
    expect(vaultError.reason).toBe('vault_decrypt_failed');
    expect(vaultError.httpStatus).toBe(500);
    expect(vaultError.message).toContain(`tenant ${target.tenantId}`);
    expect(vaultError.message).toContain(`environment ${target.environment}`);
    expect(vaultError.message).toContain(`purpose ${target.purpose}`);
    expect(vaultError.metadata).toMatchObject({ reason: 'vault_decrypt_failed', tenantId: target.tenantId, environment: target.environment, purpose: target.purpose });
    for (const rendered of [vaultError.message, JSON.stringify(vaultError), inspect(vaultError), String(vaultError.stack)]) {
      expect(rendered).not.toContain(plaintext);
    }
    expect(vaultError).not.toHaveProperty('cause');
    // The original is untouched.
    expect(await vault.get(scope)).toBe(plaintext);
  });

  it.each(['ciphertext', 'tag', 'iv', 'wrapped_key', 'wrap_tag'])('detects tampering with %s', async (column) => {
    const scope = await scopeOf();
    const ref = await vault.put(scope, secret());
    await dataSource.query(`UPDATE vault_secrets SET ${column} = set_byte(${column}, 0, get_byte(${column}, 0) # 1) WHERE id = $1`, [ref.id]);
    const error = await caught(vault.get(scope));
    expect(error).toBeInstanceOf(VaultError);
    expect((error as VaultError).reason).toBe('vault_decrypt_failed');
  });

  it('names an unknown master key instead of guessing', async () => {
    const scope = await scopeOf();
    await vault.put(scope, secret());
    const stranger = createTokenVault(dataSource, new MasterKeyRing(MasterKey.generate()), { cacheTtlMs: 0 });
    const error = (await caught(stranger.get(scope))) as VaultError;
    expect(error.reason).toBe('vault_master_key_unknown');
    expect(error.message).toContain(keys.current.id);
    expect(error.message).toContain('VAULT_PREVIOUS_MASTER_KEYS');
  });

  it('stores nothing readable: the plaintext appears in no column, as text, hex or base64', async () => {
    const scope = await scopeOf();
    const plaintext = secret();
    const ref = await vault.put(scope, plaintext);
    const rows = (await dataSource.query(
      `SELECT t::text AS row_text,
              encode(wrapped_key, 'escape') || encode(ciphertext, 'escape') AS escaped,
              encode(ciphertext, 'base64') AS ciphertext_base64
         FROM vault_secrets t WHERE id = $1`,
      [ref.id],
    )) as Array<{ row_text: string; escaped: string; ciphertext_base64: string }>;
    const dump = JSON.stringify(rows).toLowerCase();
    expect(rows).toHaveLength(1);
    for (const needle of [
      plaintext,
      plaintext.slice(0, 16),
      Buffer.from(plaintext).toString('hex'),
      Buffer.from(plaintext).toString('base64'),
    ]) {
      expect(dump).not.toContain(needle.toLowerCase());
    }
    // And nothing in the table as a whole (every row of every test so far).
    const whole = (await dataSource.query(`SELECT string_agg(t::text, E'\\n') AS dump FROM vault_secrets t`)) as Array<{ dump: string }>;
    expect(whole[0]?.dump).not.toContain(Buffer.from(plaintext).toString('hex'));
    expect(whole[0]?.dump).not.toContain(plaintext);
  });

  it('keeps operator secrets under the platform scope, apart from every tenant', async () => {
    const appId = `app-${randomBytes(4).toString('hex')}`;
    const appSecret = secret();
    const ref = await vault.put(platformScope('meta_app_secret', appId), appSecret);
    expect(ref).toMatchObject({ tenantId: null, environment: 'platform', purpose: 'meta_app_secret', ownerRef: appId });
    expect(await vault.get(platformScope('meta_app_secret', appId))).toBe(appSecret);
    // Upsert, not a second row: NULL tenants are not distinct in the scope key.
    const replaced = secret();
    await vault.put(platformScope('meta_app_secret', appId), replaced);
    expect(await vault.get(platformScope('meta_app_secret', appId))).toBe(replaced);
    const counted = (await dataSource.query(`SELECT count(*)::int AS n FROM vault_secrets WHERE owner_ref = $1`, [appId])) as Array<{ n: number }>;
    expect(counted[0]?.n).toBe(1);

    // A tenant scope with the same purpose and owner sees nothing, and the platform row
    // copied under a tenant does not open there.
    const tenantScope = await scopeOf({ purpose: 'meta_app_secret', ownerRef: appId });
    expect(await vault.find(tenantScope)).toBeUndefined();
    await copyRow(ref.id, { tenantId: tenantScope.tenantId, environment: 'live' });
    const underTenant = (await caught(vault.get(tenantScope))) as VaultError;
    expect(underTenant).toBeInstanceOf(VaultError);
    expect(underTenant.reason).toBe('vault_decrypt_failed');
    expect(underTenant.message).toContain(`tenant ${tenantScope.tenantId}, environment live, purpose meta_app_secret, owner ${appId}`);
    expect(underTenant.message).not.toContain(replaced);
    // The platform original is untouched, and the copy does not shadow it.
    expect(await vault.get(platformScope('meta_app_secret', appId))).toBe(replaced);

    // And the reverse: a tenant's row copied, or moved, to the platform scope does not open either.
    const tenantSecret = await scopeOf({ purpose: 'meta_verify_token' });
    const tenantPlaintext = secret();
    const tenantRef = await vault.put(tenantSecret, tenantPlaintext);
    await dataSource.query(
      `INSERT INTO vault_secrets (tenant_id, environment, purpose, owner_ref, master_key_id,
                                  wrapped_key, wrap_iv, wrap_tag, ciphertext, iv, tag)
       SELECT NULL, 'platform', purpose, owner_ref, master_key_id, wrapped_key, wrap_iv, wrap_tag, ciphertext, iv, tag
         FROM vault_secrets WHERE id = $1`,
      [tenantRef.id],
    );
    const copied = platformScope('meta_verify_token', tenantSecret.ownerRef);
    const underPlatform = (await caught(vault.get(copied))) as VaultError;
    expect(underPlatform).toBeInstanceOf(VaultError);
    expect(underPlatform.reason).toBe('vault_decrypt_failed');
    expect(underPlatform.message).toContain(`tenant platform, environment platform, purpose meta_verify_token, owner ${tenantSecret.ownerRef}`);
    expect(underPlatform.metadata).toMatchObject({ reason: 'vault_decrypt_failed', tenantId: 'platform', environment: 'platform' });
    expect(underPlatform.message).not.toContain(tenantPlaintext);
    expect(await vault.get(tenantSecret)).toBe(tenantPlaintext);
    await dataSource.query(`DELETE FROM vault_secrets WHERE tenant_id IS NULL AND owner_ref = $1`, [tenantSecret.ownerRef]);
    await dataSource.query(`UPDATE vault_secrets SET tenant_id = NULL, environment = 'platform' WHERE id = $1`, [tenantRef.id]);
    expect(await caught(vault.get(copied))).toMatchObject({ reason: 'vault_decrypt_failed' });
  });

  it('finds and deletes a platform secret without touching the tenant secret of the same purpose and owner', async () => {
    const appId = `app-${randomBytes(4).toString('hex')}`;
    const platform = platformScope('meta_verify_token', appId);
    const tenant = await scopeOf({ purpose: 'meta_verify_token', ownerRef: appId });
    const platformSecret = secret();
    const tenantSecret = secret();
    await vault.put(platform, platformSecret);
    await vault.put(tenant, tenantSecret);
    expect(await vault.find(platform)).toBe(platformSecret);
    expect(await vault.get(tenant)).toBe(tenantSecret);

    expect(await vault.delete(platform)).toBe(true);
    expect(await vault.delete(platform)).toBe(false);
    expect(await vault.find(platform)).toBeUndefined();
    expect(await caught(vault.get(platform))).toMatchObject({ reason: 'vault_secret_not_found', code: 'not_found' });
    expect(await vault.get(tenant)).toBe(tenantSecret);

    // The database enforces the scope too: one row per platform scope, and no half-platform rows.
    const ref = await vault.put(platform, platformSecret);
    const duplicate = await caught(
      dataSource.query(
        `INSERT INTO vault_secrets (tenant_id, environment, purpose, owner_ref, master_key_id,
                                    wrapped_key, wrap_iv, wrap_tag, ciphertext, iv, tag)
         SELECT tenant_id, environment, purpose, owner_ref, master_key_id, wrapped_key, wrap_iv, wrap_tag, ciphertext, iv, tag
           FROM vault_secrets WHERE id = $1`,
        [ref.id],
      ),
    );
    expect(duplicate).toMatchObject({ code: '23505', constraint: 'vault_secrets_scope_key' });
    for (const change of [`tenant_id = NULL`, `environment = 'platform'`]) {
      const half = await caught(dataSource.query(`UPDATE vault_secrets SET ${change} WHERE id = (SELECT id FROM vault_secrets WHERE tenant_id = $1 LIMIT 1)`, [tenant.tenantId]));
      expect(half).toMatchObject({ code: '23514', constraint: 'vault_secrets_platform_scope' });
    }
  });

  it('refuses platform scopes for tenant-only purposes and tenant-less tenant environments', async () => {
    const wrongPurpose = { tenantId: null, environment: 'platform', purpose: 'waba_access_token', ownerRef: 'x' } as unknown as TenantVaultScope;
    expect(await caught(vault.put(wrongPurpose, secret()))).toMatchObject({ code: 'validation_failed' });
    const wrongEnvironment = { tenantId: null, environment: 'live', purpose: 'meta_app_secret', ownerRef: 'x' } as unknown as TenantVaultScope;
    expect(await caught(vault.put(wrongEnvironment, secret()))).toMatchObject({ code: 'validation_failed' });
    // The details name the part that does not fit, for the platform scope and the tenant one.
    expect(() => normaliseScope(wrongPurpose)).toThrow(expect.objectContaining({ details: [expect.objectContaining({ path: 'purpose' })] }));
    expect(() => normaliseScope(wrongEnvironment)).toThrow(expect.objectContaining({ details: [expect.objectContaining({ path: 'environment' })] }));
    const tenantCallingItPlatform = { tenantId: randomUUID(), environment: 'platform', purpose: 'meta_app_secret', ownerRef: 'x' } as unknown as TenantVaultScope;
    expect(() => normaliseScope(tenantCallingItPlatform)).toThrow(expect.objectContaining({ code: 'validation_failed', details: [expect.objectContaining({ path: 'environment' })] }));
    expect(normaliseScope(platformScope('meta_app_secret', 'app-1'))).toEqual({ tenantId: null, environment: 'platform', purpose: 'meta_app_secret', ownerRef: 'app-1' });
  });

  it('deletes, and a deleted secret is gone', async () => {
    const scope = await scopeOf();
    await vault.put(scope, secret());
    expect(await vault.delete(scope)).toBe(true);
    expect(await vault.delete(scope)).toBe(false);
    expect(await vault.find(scope)).toBeUndefined();
  });

  it('refuses a tenant that does not exist, an invalid scope and an empty secret', async () => {
    const missing = { tenantId: randomUUID(), environment: 'live', purpose: 'meta_app_secret', ownerRef: 'app-1' } as const;
    const error = (await caught(vault.put(missing, secret()))) as VaultError;
    expect(error.reason).toBe('vault_tenant_not_found');

    const scope = await scopeOf();
    const bad = (await caught(vault.get({ ...scope, environment: 'LIVE' as 'live', tenantId: 'nope' }))) as SwitchboardError;
    expect(bad.code).toBe('validation_failed');
    expect(bad.details?.map((d) => d.path)).toEqual(['tenantId', 'environment']);
    expect(((await caught(vault.put(scope, ''))) as SwitchboardError).code).toBe('validation_failed');
  });

  it('serves reads from a cache that expires after the TTL (default 60 s)', async () => {
    let now = 1_000_000;
    const cached = createTokenVault(dataSource, keys, { now: () => now });
    const scope = await scopeOf();
    const plaintext = secret();
    await cached.put(scope, plaintext);
    expect(await cached.get(scope)).toBe(plaintext);

    // Another instance removes it: this one keeps answering from memory until the TTL ends.
    await dataSource.query(`DELETE FROM vault_secrets WHERE tenant_id = $1`, [scope.tenantId]);
    now += 59_999;
    expect(await cached.get(scope)).toBe(plaintext);
    now += 1;
    expect(await cached.find(scope)).toBeUndefined();

    // Another instance replaces it: a fresh read sees the new value at once, and later reads get it from memory.
    await cached.put(scope, plaintext);
    expect(await cached.get(scope)).toBe(plaintext);
    const rotated = secret();
    await createTokenVault(dataSource, keys, { cacheTtlMs: 0 }).put(scope, rotated);
    expect(await cached.get(scope)).toBe(plaintext);
    expect(await cached.get(scope, { fresh: true })).toBe(rotated);
    expect(await cached.get(scope)).toBe(rotated);

    // Its own put and delete never leave a stale value behind.
    const replacement = secret();
    await cached.put(scope, replacement);
    expect(await cached.get(scope)).toBe(replacement);
    const newer = secret();
    await cached.put(scope, newer);
    expect(await cached.get(scope)).toBe(newer);
    await cached.delete(scope);
    expect(await cached.find(scope)).toBeUndefined();

    expect(JSON.stringify(cached)).not.toContain(newer);
    expect(inspect(cached, { showHidden: true, depth: 10 })).not.toContain(newer);
  });

  it('works inside a caller transaction, and a rolled-back write never reaches the shared cache', async () => {
    const cachedVault = createTokenVault(dataSource, keys);
    const scope = await scopeOf();
    const plaintext = secret();
    await expect(
      dataSource.transaction(async (manager) => {
        const inTransaction = cachedVault.withManager(manager);
        await inTransaction.put(scope, plaintext);
        expect(await inTransaction.get(scope)).toBe(plaintext);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await cachedVault.find(scope)).toBeUndefined();
    await dataSource.transaction((manager) => cachedVault.withManager(manager).put(scope, plaintext));
    expect(await cachedVault.get(scope)).toBe(plaintext);
  });

  it('is injectable from Nest as TOKEN_VAULT over the app DataSource', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ url: database.url, poolSize: 1 }), TokenVaultModule.forRoot({ keys })],
    }).compile();
    try {
      const injected = moduleRef.get<TokenVault>(TOKEN_VAULT);
      expect(injected).toBeInstanceOf(TokenVault);
      const scope = await scopeOf();
      const plaintext = secret();
      await injected.put(scope, plaintext);
      expect(await vault.get(scope)).toBe(plaintext);
    } finally {
      await moduleRef.close();
    }
  });
});

describe('migration VaultPlatformScope1732430260000 on a fresh database', () => {
  it('goes up, down (dropping platform rows only) and up again', async () => {
    const database = await createTestDatabase('vault_platform_mig');
    const dataSource = createDataSource({ url: database.url, poolSize: 2 });
    await dataSource.initialize();
    const runner = dataSource.createQueryRunner();
    try {
      await runMigrations(dataSource);
      const Migration = MIGRATIONS.find((m) => m.name === 'VaultPlatformScope1732430260000');
      expect(Migration).toBeDefined();
      const migration = new (Migration as NonNullable<typeof Migration>)();
      const vault = createTokenVault(dataSource, new MasterKeyRing(MasterKey.generate()), { cacheTtlMs: 0 });
      const tenantRows = (await dataSource.query(`INSERT INTO tenants (slug, name) VALUES ($1, 'Migration tenant') RETURNING id`, [
        `m-${randomBytes(6).toString('hex')}`,
      ])) as Array<{ id: string }>;
      const tenant: TenantVaultScope = { tenantId: (tenantRows[0] as { id: string }).id, environment: 'live', purpose: 'meta_app_secret', ownerRef: 'app-1' };
      const platform = platformScope('meta_app_secret', 'app-1');
      const tenantSecret = secret();
      await vault.put(tenant, tenantSecret);
      await vault.put(platform, secret());

      const scopeKeyDefinition = async (): Promise<string | undefined> =>
        (
          (await dataSource.query(
            `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conname = 'vault_secrets_scope_key'`,
          )) as Array<{ definition: string }>
        )[0]?.definition;
      const tenantIdNullable = async (): Promise<string | undefined> =>
        (
          (await dataSource.query(
            `SELECT is_nullable FROM information_schema.columns WHERE table_name = 'vault_secrets' AND column_name = 'tenant_id'`,
          )) as Array<{ is_nullable: string }>
        )[0]?.is_nullable;
      expect(await scopeKeyDefinition()).toBe('UNIQUE NULLS NOT DISTINCT (tenant_id, environment, purpose, owner_ref)');
      expect(await tenantIdNullable()).toBe('YES');

      // Down: platform rows go (they cannot exist in the old shape), tenant rows stay readable.
      await runner.connect();
      await migration.down(runner);
      expect(await scopeKeyDefinition()).toBe('UNIQUE (tenant_id, environment, purpose, owner_ref)');
      expect(await tenantIdNullable()).toBe('NO');
      expect(await dataSource.query(`SELECT id FROM vault_secrets WHERE environment = 'platform'`)).toEqual([]);
      expect(await vault.get(tenant)).toBe(tenantSecret);
      const refused = await caught(
        dataSource.query(`UPDATE vault_secrets SET environment = 'platform' WHERE tenant_id = $1`, [tenant.tenantId]),
      );
      expect(refused).toMatchObject({ code: '23514', constraint: 'vault_secrets_environment_check' });

      // Up again: the platform scope works as before, and the tenant row is still there.
      await migration.up(runner);
      expect(await scopeKeyDefinition()).toBe('UNIQUE NULLS NOT DISTINCT (tenant_id, environment, purpose, owner_ref)');
      const platformSecret = secret();
      await vault.put(platform, platformSecret);
      await vault.put(platform, platformSecret);
      expect(await vault.get(platform)).toBe(platformSecret);
      expect(await vault.get(tenant)).toBe(tenantSecret);
      const rows = (await dataSource.query(`SELECT count(*)::int AS n FROM vault_secrets`)) as Array<{ n: number }>;
      expect(rows[0]?.n).toBe(2);
    } finally {
      await runner.release();
      await dataSource.destroy();
      await database.drop();
    }
  });
});
