/** The text form of a pool preview. */
import type { PoolResult } from './pool-types';

function perHour(x: number | null): string {
  return x === null ? 'unlimited' : `${+x.toFixed(2)}/h`;
}

export function formatPoolText(r: PoolResult): string {
  const out: string[] = [];
  out.push(`pool ${r.pool} [${r.origin}], ${r.sources.length} source(s), cycle of ${r.period} pick(s)`);
  const shown = r.sequence.slice(0, 60);
  out.push(`sequence (first ${shown.length} of ${r.sequence.length}): ${shown.join(' ')}`);
  out.push(`paths resolved for ${r.domain} (site ${r.site_name})${r.offered_per_hour !== null ? `, offered ${perHour(r.offered_per_hour)}` : ''}`);
  out.push(`  ${'source'.padEnd(16)} ${'weight'.padStart(6)} ${'picked'.padStart(8)} ${'share'.padStart(7)} ${'effective'.padStart(9)} ${'eff.weight'.padStart(10)}  cap`);
  for (const s of r.sources) {
    const share = r.shares[s.name] ?? 0;
    out.push(`  ${s.name.padEnd(16)} ${String(s.weight).padStart(6)} ${String(r.counts[s.name] ?? 0).padStart(8)} ${(share * 100).toFixed(1).padStart(6)}% ${(s.effective_share * 100).toFixed(1).padStart(8)}% ${s.effective_weight.toFixed(2).padStart(10)}  ${perHour(s.cap_per_hour)}${s.limited_by ? ` (${s.limited_by})` : ''}`);
  }
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join('\n') + '\n';
}
