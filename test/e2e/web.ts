// What the seed end-to-end files share: an HTTP GET from a lab host with
// bash's /dev/tcp (nothing to install; busybox-static's wget crashes on this
// Debian), answers counted per server, and a bounded wait.

import { labExec } from '../harness/lab.js';

/** One GET of http://ADDR/ from `client`: the page (a server's name), or null. */
export async function fetchPage(client: string, address: string, path = '/', seconds = 3): Promise<string | null> {
  const get = `timeout ${seconds} bash -c 'exec 3<>/dev/tcp/${address}/80 && printf "GET ${path} HTTP/1.0\\r\\n\\r\\n" >&3 && cat <&3'`;
  const r = await labExec(client, get);
  const body = r.stdout.split('\r\n\r\n')[1];
  return r.code === 0 && /^HTTP\/1\.\d 200/.test(r.stdout) && body !== undefined ? body.trim() : null;
}

/** `count` GETs in a row; answers per page, `null` counting the unanswered. */
export async function fetchMany(client: string, address: string, count: number, path = '/'): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const page = String(await fetchPage(client, address, path));
    counts[page] = (counts[page] ?? 0) + 1;
  }
  return counts;
}

/** Poll `probe` every 200 ms until it gives a value (not null/false), at most `limitMs`. */
export async function until<T>(what: string, limitMs: number, probe: () => Promise<T | null | false>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== null && value !== false) return { value: value as T, ms: Date.now() - t0 };
    if (Date.now() - t0 > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
