// The one masking function: values registered as secret never survive into
// text rb shows or stores, and no_log hides a task's whole result.

import { expect } from 'chai';
import { clearSecrets, containsSecret, isSecret, MASK, maskDiff, maskSecrets, registerSecret, registerSecretParams } from '../../core/secrets.js';
import { HIDDEN, redactResult, redactRollback } from '../../core/report/redact.js';
import type { TaskResult } from '../../core/engine/types.js';
import type { Task } from '../../core/playbook/types.js';

const task = (): Task => ({ name: 't', noLog: false, notify: [], tags: [], listen: [], vars: {}, args: {}, module: 'copy', ignoreErrors: false } as unknown as Task);
const result = (over: Partial<TaskResult>, t: Partial<Task> = {}): TaskResult => ({ host: 'h1', task: { ...task(), ...t }, status: 'changed', changes: [], warnings: [], data: {}, checked: false, handler: false, durationMs: 1, ...over });

describe('secrets: one masking function', () => {
  beforeEach(clearSecrets);
  after(clearSecrets);

  it('masks every registered value in nested strings, keys and errors, longest first', () => {
    registerSecret('s3cr3t-pass');
    registerSecret({ nested: ['s3cr3t-pass-longer'] });
    const v = maskSecrets({ a: 'x s3cr3t-pass y', b: ['s3cr3t-pass-longer'], 's3cr3t-pass': 1, e: new Error('bad s3cr3t-pass') });
    expect(v.a).to.equal(`x ${MASK} y`);
    expect(v.b).to.deep.equal([MASK]);
    expect(Object.keys(v)).to.include(MASK);
    expect(v.e.message).to.equal(`bad ${MASK}`);
    expect(JSON.stringify(v)).not.to.include('s3cr3t');
  });

  it('masks the JSON-escaped form and each line of a multi-line secret', () => {
    registerSecret('pa"ss\\word\nsecond-line');
    expect(maskSecrets(JSON.stringify({ v: 'pa"ss\\word\nsecond-line' }))).to.equal(`{"v":"${MASK}"}`);
    expect(maskSecrets('log: second-line')).to.equal(`log: ${MASK}`);
    expect(isSecret('second-line')).to.equal(true);
  });

  it('does not search free text for values too short to be told from ordinary words', () => {
    registerSecret('ab');
    expect(maskSecrets('tab ab')).to.equal('tab ab');
  });

  it('registers exactly the params the schema marks secret, at any depth', () => {
    registerSecretParams(
      {
        user: { type: 'string' },
        pw: { type: 'string', secret: true },
        auth: { type: 'object', fields: { key: { type: 'string', secret: true }, name: { type: 'string' } } },
        users: { type: 'map', values: { type: 'string', secret: true } },
      },
      { user: 'alice-user', pw: 'pw-one-1', auth: { key: 'key-two-2', name: 'named-x' }, users: { bob: 'map-three-3' } },
    );
    for (const s of ['pw-one-1', 'key-two-2', 'map-three-3']) expect(containsSecret(`x ${s}`), s).to.equal(true);
    for (const s of ['alice-user', 'named-x', 'bob']) expect(containsSecret(s), s).to.equal(false);
  });

  it('masks both sides of a line edit in a diff, though only the new value is known', () => {
    registerSecret('new-secret-9');
    const diff = '--- a\n+++ b\n@@ -1,2 +1,2 @@\n   login = admin\n-  passwd = old-secret-1\n+  passwd = new-secret-9\n';
    const out = maskDiff(diff);
    expect(out).not.to.include('old-secret-1').and.not.to.include('new-secret-9');
    expect(out).to.include(`-  passwd ${MASK}`).and.to.include(`+  passwd ${MASK}`).and.to.include('login = admin');
  });

  it('no_log hides message, label, data, warnings and every value of a result and its items', () => {
    const item = result({ msg: 'failed: leaked-1', label: 'leaked-2', data: { stdout: 'leaked-3', rc: 1 }, changes: [{ kind: 'k', resource: 'echo leaked-7', before: 'leaked-4', after: 'leaked-5', diff: '-leaked-4\n+leaked-5' }] }, { noLog: true });
    const r = redactResult({ ...item, items: [item], warnings: ['leaked-6'] });
    const text = JSON.stringify(r);
    for (let i = 1; i <= 7; i++) expect(text).not.to.include(`leaked-${i}`);
    expect(r.msg).to.equal(HIDDEN);
    expect(r.data).to.deep.equal({ rc: 1 });
  });

  it('a secret change shows neither value nor diff, and what it replaced becomes a secret too', () => {
    const r = redactResult(result({ changes: [{ kind: 'k', resource: 'f', field: 'key', before: 'was-secret-7', after: 'now-secret-8', secret: true, diff: 'x', commands: ['echo now-secret-8'] }] }));
    expect(r.changes[0]).to.deep.equal({ kind: 'k', resource: 'f', field: 'key', secret: true, before: MASK, after: MASK });
    expect(maskSecrets('a was-secret-7 b')).to.equal(`a ${MASK} b`);
  });

  it('masks rollback causes and errors, and a task name holding a secret', () => {
    registerSecret('cause-secret');
    const rb = redactRollback({ host: 'h', cause: 't: cause-secret', undone: [{ task: 'x', module: 'm', ok: false, error: 'e cause-secret', changes: [] }], notRollbackable: [] });
    expect(JSON.stringify(rb)).not.to.include('cause-secret');
    const r = redactResult(result({}, { name: 'set cause-secret' }));
    expect(r.task.name).to.equal(`set ${MASK}`);
  });
});
