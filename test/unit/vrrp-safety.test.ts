// A value can never add, remove or join a keepalived statement: every value the
// schema accepts is written so that rb's reader and the real keepalived read
// back exactly it; every other value is refused with the param it came from.
// The hostile values are the preprocessor forms keepalived acts on before it
// reads a statement (include, @id, ~SEQ, $NAME=, $NAME), comment and brace
// characters, backslashes, line separators and over-long lines.

import { expect } from 'chai';
import { validateFields } from '../../core/schema/validate.js';
import vrrp from '../../modules/vrrp/index.js';
import { fromParams, fromTree } from '../../modules/vrrp/model.js';
import { parseConf } from '../../modules/lib/keepalived-conf/parser.js';
import { render } from '../../modules/vrrp/render.js';
import { keepalivedTest } from '../fixtures/vrrp/local.js';

type Obj = Record<string, unknown>;

const GLOBAL = { enable_script_security: true, script_user: 'root' };

function instance(more: Obj = {}): Obj {
  return { name: 'VI_1', interface: 'eth0', virtual_router_id: 51, virtual_ipaddress: ['192.0.2.10'], ...more };
}

function validate(params: Obj) {
  return validateFields(vrrp.params, params, '', {}, vrrp.rules);
}

function problems(params: Obj): string[] {
  return validate(params).problems.map((p) => `${p.path}: ${p.message}`);
}

/** Valid params → rendered → read back by rb and checked by keepalived -t: the same model, no complaint. */
function expectWrittenExactly(params: Obj): string {
  const r = validate(params);
  expect(r.problems, 'schema').to.deep.equal([]);
  const model = fromParams(r.value);
  const text = render(model).text;
  expect(fromTree(parseConf(text, 'rendered')), 'rb reads back').to.deep.equal(model);
  const kt = keepalivedTest(text);
  expect(kt.output, `keepalived -t on\n${text}`).to.equal('');
  expect(kt.code).to.equal(0);
  return text;
}

describe('vrrp: values are written so keepalived reads back exactly them', () => {
  // Accepted by the schema: written quoted where keepalived would otherwise act on them.
  const accepted: Array<[string, string]> = [
    ['a word that is the include keyword', 'include'],
    ['an @id line prefix', '@other'],
    ['a ~SEQ prefix', '~SEQ(i,1,3)'],
    ['comment characters', 'a#b!c'],
    ['a backslash before #', 'a\\#b'],
    ['a backslash inside', 'a\\b'],
    ['a dollar before a digit', 'price$1'],
    ['non-ASCII text', 'grüße-über'],
  ];
  for (const [what, value] of accepted) {
    it(`notification_email item, router_id and a vrrp_script name: ${what}`, () => {
      const text = expectWrittenExactly({
        global_defs: { ...GLOBAL, router_id: value, notification_email: [value.replace(/[{}#!]/g, '')] },
        vrrp_scripts: [{ name: value.replace(/[{}#!\s]/g, '') || 'x', script: `/bin/true ${value}` }],
        instances: [instance({ notify_master: `/bin/true ${value}` })],
      });
      expect(text).to.not.match(/^\s*(include\s|@|~SEQ)/m);
    });
  }

  it('writes a track_script item starting with @ quoted, so the line is not dropped', () => {
    const text = expectWrittenExactly({
      global_defs: GLOBAL,
      vrrp_scripts: [{ name: '@chk', script: '/bin/true' }],
      instances: [instance({ track_script: ['@chk'] })],
    });
    expect(text).to.include('        "@chk"\n');
  });

  // Refused by the schema, each on the param that holds it.
  const refused: Array<[string, Obj, string]> = [
    ['$NAME in a quoted command', { instances: [instance({ notify_master: '/bin/true $_PWD x' })] }, 'instances[0].notify_master: expected text'],
    ['${NAME}', { global_defs: { router_id: 'a${X}b' } }, 'global_defs.router_id: expected text'],
    ['a trailing backslash', { instances: [instance({ notify_backup: '/bin/true a\\' })] }, 'instances[0].notify_backup: expected text'],
    ['a newline', { instances: [instance({ notify: '/bin/true\ninclude /tmp/x' })] }, 'instances[0].notify: expected text'],
    ['U+2028', { global_defs: { notification_email_from: 'a\u2028b' } }, 'global_defs.notification_email_from: expected text'],
    ['U+0085', { instances: [instance({ notify_fault: '/bin/true \u0085x' })] }, 'instances[0].notify_fault: expected text'],
    ['a carriage return', { instances: [instance({ track_script: ['chk\rweight 2'] })] }, 'instances[0].track_script[0]: expected words'],
    ['a closing brace (quoted alone, keepalived 2.2 ends the block there)', { instances: [instance({ notify_master: '/bin/true a}' })] }, 'instances[0].notify_master: expected text without braces'],
    ['an opening brace', { global_defs: { router_id: 'a{' } }, 'global_defs.router_id: expected text without braces'],
    ['an unclosed single quote in a command', { instances: [instance({ notify_master: "/bin/true 'a" })] }, 'instances[0].notify_master: the command'],
    ['a tab', { global_defs: { router_id: 'a\tb' } }, 'global_defs.router_id: expected text'],
    ['a NUL', { global_defs: { router_id: 'a\u0000b' } }, 'global_defs.router_id: expected text'],
    ['a zero-width space', { global_defs: { router_id: 'a\u200bb' } }, 'global_defs.router_id: expected text'],
    ['an include in extra', { extra: ['include /tmp/evil.conf'] }, 'extra[0]: "include" is not allowed'],
    ['an include nested in an extra block', { extra: ['static_routes {\ninclude /tmp/x\n}'] }, 'extra[0]: "include" is not allowed'],
    ['a definition in extra', { global_defs: { extra: ['$X=1'] } }, 'global_defs.extra[0]: "$X=1": keepalived takes a line starting with @, ~ or $'],
    ['an @id line in extra', { instances: [instance({ extra: ['@lb1 priority 200'] })] }, 'instances[0].extra[0]: "@lb1"'],
    ['two statements in one extra entry', { instances: [instance({ extra: ['accept\nbogus_after_newline'] })] }, 'instances[0].extra[0]: holds 2 statements'],
    ['a quoted brace in extra', { global_defs: { extra: ['foo "}"'] } }, 'global_defs.extra[0]: "}": a brace inside a word'],
    ['a typed keyword in extra', { instances: [instance({ extra: ['priority 200'] })] }, 'instances[0].extra[0]: "priority" is a typed field here'],
    ['a line longer than keepalived reads', { instances: [instance({ notify_stop: `/bin/true ${'a'.repeat(1100)}` })] }, 'instances[0].notify_stop: the line would be'],
  ];
  for (const [what, params, message] of refused) {
    it(`refuses ${what} with the param's path`, () => {
      const got = problems(params);
      expect(got.some((p) => p.startsWith(message)), got.join('\n')).to.equal(true);
    });
  }

  it('a refused line, had it been written, is what keepalived splits or drops (the reason for the refusal)', () => {
    const long = `notification_email_from "${'a'.repeat(1100)} router_id_x"`;
    expect(keepalivedTest(`global_defs {\n${long}\n}\n`).output).to.include("Unknown keyword 'a");
    const at = keepalivedTest('vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n 192.0.2.1\n @other 192.0.2.2\n }\n}\n');
    expect(at, 'the @other line is silently dropped').to.deep.equal({ code: 0, output: '' });
    const brace = keepalivedTest('global_defs {\n router_id "}"\n}\n');
    expect(brace.output, 'a quoted "}" still ends the block').to.include("Unknown keyword '}'");
  });
});
