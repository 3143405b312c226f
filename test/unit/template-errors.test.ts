import { expect } from 'chai';
import { TemplateError } from '../../core/errors.js';
import { renderString, renderText, renderValue } from '../../core/template/index.js';

const vars = {
  prio: 100,
  inventory_hostname: 'rb9',
  hostvars: { rb1: { lab_mac: 'aa:bb' } },
  groups: { lb: ['rb1', 'rb2'] },
  nothing: null,
  words: ['a'],
};

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(TemplateError);
    return (e as Error).message;
  }
  throw new Error('expected a TemplateError');
}

describe('template errors: undefined is strict and named', () => {
  const cases: Array<[string, string]> = [
    ['{{ prio2 }}', 'undefined variable "prio2"'],
    ['x={{ prio2 }}', 'undefined variable "prio2"'],
    ['{{ hostvars.rb3.lab_mac }}', 'undefined variable "hostvars.rb3"'],
    ['{{ hostvars.rb1.lab_ip }}', 'undefined variable "hostvars.rb1.lab_ip"'],
    ['{{ hostvars[inventory_hostname].lab_mac }}', 'undefined variable "hostvars[inventory_hostname]" (no key "rb9")'],
    ['{{ groups.lb[5] }}', 'undefined variable "groups.lb[5]" (index 5 out of range)'],
    ['{{ nothing.x }}', 'undefined variable "nothing.x" (nothing is none)'],
    ['{{ prio2 + 1 }}', 'undefined variable "prio2"'],
    ['{{ prio2 == 1 }}', 'undefined variable "prio2"'],
    ['{{ prio2 | upper }}', 'undefined variable "prio2"'],
    ['{{ words | join(sep) }}', 'undefined variable "sep"'],
    ['{{ [prio2] }}', 'undefined variable "prio2"'],
    ['{{ {"k": prio2} | to_json }}', 'undefined variable "prio2"'],
    ['{{ prio2.split(",") }}', 'undefined variable "prio2"'],
    ['{{ "a" ~ prio2 }}', 'undefined variable "prio2"'],
    ['{{ "x" in prio2 }}', 'undefined variable "prio2"'],
    ['{{ not prio2 }}', 'undefined variable "prio2"'],
    ['{{ prio2 or 1 }}', 'undefined variable "prio2"'],
    ['{% if prio2 %}x{% endif %}', 'undefined variable "prio2"'],
    ['{% for x in prio2 %}{% endfor %}', 'undefined variable "prio2"'],
    ['{{ lookup("env", prio2) }}', 'undefined variable "prio2"'],
    ['{{ prio2 | mandatory }}', 'mandatory variable "prio2" is not defined'],
    ['{{ prio2 | mandatory("set prio2 in group_vars") }}', 'set prio2 in group_vars'],
    ['{{ words | first | default(1) }}{{ [] | first }}', 'undefined variable "first of an empty list"'],
  ];
  for (const [src, want] of cases) it(src, () => expect(message(() => renderString(src, vars))).to.equal(want));

  it('names the variable from inside renderValue too', () => {
    expect(message(() => renderValue({ a: { b: ['{{ vip }}'] } }, vars))).to.equal('undefined variable "vip"');
  });
});

describe('template errors: undefined is allowed where Ansible allows it', () => {
  const cases: Array<[string, unknown]> = [
    ['{{ prio2 | default(5) }}', 5],
    ['{{ prio2 | d(5) }}', 5],
    ['{{ hostvars.rb3.lab_mac | default("none") }}', 'none'],
    ['{{ prio2 is defined }}', false],
    ['{{ prio2 is undefined }}', true],
    ['{{ hostvars.rb3.lab_mac is defined }}', false],
    ['{{ prio2 if prio2 is defined }}', ''],
    ['{{ prio2 if prio2 is defined else "dflt" }}', 'dflt'],
    ['{{ prio2 is defined and prio2 > 1 }}', false],
    ['{{ nothing.x | default("n") }}', 'n'],
  ];
  for (const [src, want] of cases) it(src, () => expect(renderString(src, vars)).to.deep.equal(want));
});

describe('template errors: syntax, unknown names, bad values', () => {
  const cases: Array<[() => unknown, string]> = [
    // As Jinja: unknown filters and tests fail when evaluated (a branch not taken never fails).
    [() => renderString('{{ prio | bogus }}', vars), 'unknown filter "bogus"'],
    [() => renderString('{{ prio is bogus }}', vars), 'unknown test "bogus"'],
    [() => renderString('{{ (prio | bogus) if prio > 1000 else prio | bogus2 }}', vars), 'unknown filter "bogus2"'],
    [() => renderString('{{ prio prio }}', vars), 'line 1, col 9: template syntax error: expected variable end'],
    [() => renderString('{{ prio', vars), 'template syntax error: expected variable end'],
    [() => renderText('a\nb\n{% if prio %}\n', vars, 'keepalived.conf.j2'), 'keepalived.conf.j2: template syntax error: expected elif, else, or endif, got end of file'],
    [() => renderText('line 1\n  {{ prio | }}\n', vars, 'keepalived.conf.j2'), 'keepalived.conf.j2:2:13: template syntax error: expected symbol, got variable-end'],
    [() => renderText('{% include "other.j2" %}', vars, 'a.j2'), 'a.j2:1:12: include/import: template "other.j2" not found (looked in no folder)'],
    [() => renderText('ok\n\n  priority {{ prio2 }}\n', vars, 'keepalived.conf.j2'), 'keepalived.conf.j2:3:15: undefined variable "prio2"'],
    [() => renderString('{{ "a" + 1 }}', vars), 'cannot add str and int (use ~ to join as text)'],
    [() => renderString('{{ prio < "a" }}', vars), "'<' not supported between int and str"],
    [() => renderString('{{ prio() }}', vars), '"prio" is not callable (it is a int)'],
    [() => renderString('{{ prio | int(1, 2, 3) }}', vars), 'int() takes at most 2 argument(s), got 3'],
    [() => renderString('{{ prio | dict2items }}', vars), 'dict2items expects a dictionary, got int'],
    [() => renderString('{{ "x" | regex_search("(") }}', vars), 'invalid regular expression "(": Unterminated group'],
    [() => renderString('{{ "[1," | from_json }}', vars), "from_json: Unexpected end of JSON input"],
    [() => renderString('{{ lookup("nosuch", "id") }}', vars), "lookup('nosuch'): not available (rb has env, file, vars, fileglob, first_found, lines, pipe, template, password, inventory_hostnames)"],
    [() => renderString('{{ lookup("file", "/nonexistent/rb-file") }}', vars), `lookup('file'): could not find or read "/nonexistent/rb-file" (looked in /nonexistent/rb-file)`],
  ];
  for (const [f, want] of cases) it(want, () => expect(message(f)).to.equal(want));
});
