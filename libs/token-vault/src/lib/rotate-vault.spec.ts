import { randomBytes } from 'node:crypto';
import { createDataSource, runMigrations } from '@switchboard/persistence';
import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import type { DataSource } from 'typeorm';
import { MasterKey, MasterKeyRing } from './master-key';
import { formatRotationReport, rotateVault } from './rotate-vault';
import { createTokenVault } from './token-vault.service';
import { PLATFORM_PURPOSES, platformScope, VAULT_PURPOSES, type TenantVaultScope, type VaultScope } from './vault-scope';

const secret = () => `test-secret-${randomBytes(24).toString('base64url')}`;

describe('rotateVault on the real Postgres', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  const createTenant = async (): Promise<string> => {
    const rows = (await dataSource.query(`INSERT INTO tenants (slug, name) VALUES ($1, 'Rotation tenant') RETURNING id`, [
      `r-${randomBytes(6).toString('hex')}`,
    ])) as Array<{ id: string }>;
    return (rows[0] as { id: string }).id;
  };

  beforeAll(async () => {
    database = await createTestDatabase('vault_rotation');
    dataSource = createDataSource({ url: database.url, poolSize: 3 });
    await dataSource.initialize();
    await runMigrations(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('re-wraps every data key so a vault holding only the new key reads everything', async () => {
    const keyA = MasterKey.generate();
    const keyB = MasterKey.generate();
    const onA = createTokenVault(dataSource, new MasterKeyRing(keyA), { cacheTtlMs: 0 });

    const stored = new Map<VaultScope, string>();
    for (const purpose of PLATFORM_PURPOSES) {
      const scope = platformScope(purpose, 'app-rotation');
      const plaintext = secret();
      await onA.put(scope, plaintext);
      stored.set(scope, plaintext);
    }
    for (const environment of ['live', 'test'] as const) {
      const tenantId = await createTenant();
      for (const purpose of VAULT_PURPOSES) {
        for (const ownerRef of ['owner-1', 'owner-2']) {
          const scope: TenantVaultScope = { tenantId, environment, purpose, ownerRef };
          const plaintext = secret();
          await onA.put(scope, plaintext);
          stored.set(scope, plaintext);
        }
      }
    }
    const ciphertextsBefore = (await dataSource.query(`SELECT id, ciphertext FROM vault_secrets ORDER BY id`)) as Array<{ id: string; ciphertext: Buffer }>;

    // Deploy: B is current, A is kept for reading; both old and new rows read fine.
    const rotating = new MasterKeyRing(keyB, [keyA]);
    const duringDeploy = createTokenVault(dataSource, rotating, { cacheTtlMs: 0 });
    const [firstScope, firstPlaintext] = [...stored.entries()][0] as [VaultScope, string];
    expect(await duringDeploy.get(firstScope)).toBe(firstPlaintext);

    // A small batch size makes the run page through the table.
    const report = await rotateVault(dataSource, rotating, { batchSize: 5 });
    expect(report).toEqual({
      currentKeyId: keyB.id,
      scanned: stored.size,
      rewrapped: stored.size,
      skipped: 0,
      failed: 0,
      remaining: 0,
      failures: [],
    });
    expect(formatRotationReport(report)).toContain(`${stored.size} re-wrapped`);

    const onlyB = createTokenVault(dataSource, new MasterKeyRing(keyB), { cacheTtlMs: 0 });
    for (const [scope, plaintext] of stored) expect(await onlyB.get(scope)).toBe(plaintext);
    const onlyA = createTokenVault(dataSource, new MasterKeyRing(keyA), { cacheTtlMs: 0 });
    await expect(onlyA.get(firstScope)).rejects.toMatchObject({ reason: 'vault_master_key_unknown' });

    // Only the wrap layer moved: the sealed secrets are byte-for-byte the same.
    const ciphertextsAfter = (await dataSource.query(`SELECT id, ciphertext FROM vault_secrets ORDER BY id`)) as Array<{ id: string; ciphertext: Buffer }>;
    expect(ciphertextsAfter.map((r) => r.ciphertext.toString('hex'))).toEqual(ciphertextsBefore.map((r) => r.ciphertext.toString('hex')));
    const rotated = (await dataSource.query(`SELECT count(*)::int AS count FROM vault_secrets WHERE rotated_at IS NOT NULL AND master_key_id = $1`, [keyB.id])) as Array<{ count: number }>;
    expect(rotated[0]?.count).toBe(stored.size);

    // Running it again finds nothing to do.
    expect(await rotateVault(dataSource, rotating)).toMatchObject({ scanned: 0, rewrapped: 0, remaining: 0 });

    await dataSource.query(`DELETE FROM vault_secrets`);
  });

  it('reports rows it cannot re-wrap and leaves them as they were', async () => {
    const keyA = MasterKey.generate();
    const lost = MasterKey.generate();
    const keyB = MasterKey.generate();
    const tenantId = await createTenant();
    const good: TenantVaultScope = { tenantId, environment: 'live', purpose: 'meta_app_secret', ownerRef: 'app-1' };
    const orphan: TenantVaultScope = { ...good, ownerRef: 'app-2' };
    const moved: TenantVaultScope = { ...good, ownerRef: 'app-3' };
    const goodSecret = secret();
    await createTokenVault(dataSource, new MasterKeyRing(keyA)).put(good, goodSecret);
    await createTokenVault(dataSource, new MasterKeyRing(lost)).put(orphan, secret());
    const movedRef = await createTokenVault(dataSource, new MasterKeyRing(keyA)).put(moved, secret());
    // Someone re-pointed a row at another owner: it must not be "repaired" by rotation.
    await dataSource.query(`UPDATE vault_secrets SET owner_ref = 'app-4' WHERE id = $1`, [movedRef.id]);
    // The same for a platform row, and for a tenant row moved to the platform scope.
    const platformMovedRef = await createTokenVault(dataSource, new MasterKeyRing(keyA)).put(platformScope('meta_verify_token', 'app-5'), secret());
    await dataSource.query(`UPDATE vault_secrets SET owner_ref = 'app-6' WHERE id = $1`, [platformMovedRef.id]);
    const toPlatformRef = await createTokenVault(dataSource, new MasterKeyRing(keyA)).put({ ...good, ownerRef: 'app-7' }, secret());
    await dataSource.query(`UPDATE vault_secrets SET tenant_id = NULL, environment = 'platform' WHERE id = $1`, [toPlatformRef.id]);

    const report = await rotateVault(dataSource, new MasterKeyRing(keyB, [keyA]));
    expect(report).toMatchObject({ scanned: 5, rewrapped: 1, failed: 4, remaining: 4 });
    expect(report.failures.map((f) => [f.ownerRef, f.tenantId === null ? 'platform' : 'tenant', f.reason]).sort()).toEqual([
      ['app-2', 'tenant', 'vault_master_key_unknown'],
      ['app-4', 'tenant', 'vault_decrypt_failed'],
      ['app-6', 'platform', 'vault_decrypt_failed'],
      ['app-7', 'platform', 'vault_decrypt_failed'],
    ]);
    const line = formatRotationReport(report);
    expect(line).toContain('4 failed');
    expect(line).toContain(lost.id);
    expect(line).toContain(`${platformMovedRef.id} (tenant platform, platform, meta_verify_token, owner app-6`);
    expect(line).not.toContain('tenant null');
    expect(line).not.toContain(goodSecret);
    expect(await createTokenVault(dataSource, new MasterKeyRing(keyB)).get(good)).toBe(goodSecret);
    await dataSource.query(`DELETE FROM vault_secrets`);
  });

  it('never overwrites a value put concurrently by an instance still on the old key', async () => {
    await dataSource.query(`DELETE FROM vault_secrets`);
    const keyA = MasterKey.generate();
    const keyB = MasterKey.generate();
    const onA = createTokenVault(dataSource, new MasterKeyRing(keyA), { cacheTtlMs: 0 });
    const scope: TenantVaultScope = { tenantId: await createTenant(), environment: 'test', purpose: 'waba_access_token', ownerRef: 'waba-1' };
    await onA.put(scope, secret());
    const newer = secret();
    let raced = false;
    // Between rotation's read and its update, an old instance replaces the value.
    const racing = {
      query: async <T>(sql: string, parameters?: unknown[]): Promise<T> => {
        if (!raced && sql.includes('UPDATE vault_secrets')) {
          raced = true;
          await onA.put(scope, newer);
        }
        return dataSource.query<T>(sql, parameters);
      },
    };
    const ring = new MasterKeyRing(keyB, [keyA]);
    expect(await rotateVault(racing, ring)).toMatchObject({ scanned: 1, rewrapped: 0, skipped: 1, remaining: 1 });
    expect(await createTokenVault(dataSource, ring).get(scope)).toBe(newer);
    // The next run picks it up.
    expect(await rotateVault(dataSource, ring)).toMatchObject({ rewrapped: 1, remaining: 0 });
    expect(await createTokenVault(dataSource, new MasterKeyRing(keyB)).get(scope)).toBe(newer);
  });
});
