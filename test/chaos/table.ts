import type { Row } from './scenarios';

// The bar every scenario must clear, and the table `npm run chaos` prints.

export const MAX_RECOVERY_MS = 10_000;

export function passes(r: Row): boolean {
  return r.lost === 0 && r.stuck === 0 && r.fiveXX === 0 && r.recoveryMs <= MAX_RECOVERY_MS;
}

export function failures(rows: Row[]): string[] {
  return rows.filter((r) => !passes(r)).map((r) => r.scenario);
}

export function formatTable(rows: Row[]): string {
  const head = [
    'scenario',
    'trials',
    'lost',
    'stuck',
    '5xx',
    'recovery',
    'web MB',
    'worker MB',
    'pass',
    'note',
  ];
  const body = rows.map((r) => [
    r.scenario,
    String(r.trials),
    String(r.lost),
    String(r.stuck),
    String(r.fiveXX),
    Number.isFinite(r.recoveryMs) ? `${(r.recoveryMs / 1000).toFixed(1)} s` : 'never',
    String(r.webPeakMb),
    String(r.workerPeakMb),
    passes(r) ? 'yes' : 'NO',
    r.note,
  ]);
  const lines = [head, ...body].map((cells) => `| ${cells.join(' | ')} |`);
  lines.splice(1, 0, `|${head.map(() => ' --- ').join('|')}|`);
  return lines.join('\n');
}
