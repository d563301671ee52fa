import type { MasterKeyRing } from './master-key';
import { TokenVault, type RewrapOptions, type VaultDatabase, type VaultRotationReport } from './token-vault.service';
import { PLATFORM_ENVIRONMENT } from './vault-scope';

/**
 * `vault:rotate`: re-wraps every data key under the ring's current master key.
 * Run it after every instance runs with the new VAULT_MASTER_KEY and the old key in
 * VAULT_PREVIOUS_MASTER_KEYS; retire the old key once a run reports remaining 0.
 */
export async function rotateVault(
  db: VaultDatabase,
  keys: MasterKeyRing,
  options: RewrapOptions = {},
): Promise<VaultRotationReport> {
  return new TokenVault({ db, keys, cacheTtlMs: 0 }).rewrapAll(options);
}

/** One log-safe line for the command's output (ids and counts only). */
export function formatRotationReport(report: VaultRotationReport): string {
  const head =
    `[token-vault] rotation to master key ${report.currentKeyId}: ${report.scanned} scanned, ` +
    `${report.rewrapped} re-wrapped, ${report.skipped} changed concurrently, ${report.failed} failed, ` +
    `${report.remaining} remaining under other keys`;
  if (report.failures.length === 0) return head;
  const shown = report.failures
    .slice(0, 20)
    .map((f) => `${f.id} (tenant ${f.tenantId ?? PLATFORM_ENVIRONMENT}, ${f.environment}, ${f.purpose}, owner ${f.ownerRef}, key ${f.masterKeyId}: ${f.reason})`);
  const more = report.failures.length > shown.length ? `; and ${report.failures.length - shown.length} more` : '';
  return `${head}; failures: ${shown.join('; ')}${more}`;
}
