import { createHash } from 'node:crypto';

// Avatar colours, picked from the email so a person keeps theirs; readable on white and dark.
const PALETTE = [
  '#e11d48',
  '#db2777',
  '#9333ea',
  '#4f46e5',
  '#0284c7',
  '#0d9488',
  '#16a34a',
  '#ca8a04',
  '#ea580c',
  '#57534e',
];

export function colorFor(email: string): string {
  const n = createHash('sha256').update(email.toLowerCase()).digest().readUInt32BE(0);
  return PALETTE[n % PALETTE.length]!;
}
