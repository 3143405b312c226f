/** Split hosts into `serial` batches: numbers or percentages, the last entry repeating. */
export function batches(hosts: string[], serial: Array<number | string>): string[][] {
  if (!serial.length) return [hosts];
  const out: string[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const s = serial[Math.min(k++, serial.length - 1)];
    const n = typeof s === 'string' && s.trim().endsWith('%') ? Math.max(1, Math.floor((hosts.length * parseInt(s, 10)) / 100)) : Math.max(1, Number(s));
    out.push(hosts.slice(i, i + n));
    i += n;
  }
  return out;
}
