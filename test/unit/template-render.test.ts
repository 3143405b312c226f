import { expect } from 'chai';
import { OMIT, isTemplate, markUnsafe, renderString, renderText, renderValue, templateCompiles } from '../../core/template/index.js';

const vars = {
  prio: 100,
  prio_text: '100',
  vips: ['198.18.0.100', '198.18.0.101'],
  inst: { name: 'VI_1', vrid: 51 },
  flag: true,
  nothing: null,
  iface: 'eth1',
};

describe('template: isTemplate', () => {
  const cases: Array<[unknown, boolean]> = [
    ['{{ x }}', true],
    ['a {% if x %}b{% endif %}', true],
    ['plain text', false],
    ['{ not a template }', false],
    ['{# only a comment #}', false],
    [42, false],
    [null, false],
  ];
  for (const [value, want] of cases) it(`${JSON.stringify(value)} → ${want}`, () => expect(isTemplate(value)).to.equal(want));
});

describe('template: renderString returns native values for a lone expression', () => {
  const cases: Array<[string, unknown]> = [
    ['{{ prio }}', 100],
    ['{{ prio_text }}', '100'],
    ['{{ prio + 1 }}', 101],
    ['{{ vips }}', ['198.18.0.100', '198.18.0.101']],
    ['{{ inst }}', { name: 'VI_1', vrid: 51 }],
    ['{{ flag }}', true],
    ['{{ nothing }}', null],
    ['{{ vips | length > 1 }}', true],
    ['{{ {"a": prio} }}', { a: 100 }],
    // `}}` closes the nested dicts first, as in Jinja.
    ["{{ {'a': {'b': prio}} }}", { a: { b: 100 } }],
    ["x{{ {'a': {'b': 1}}}}y", "x{'a': {'b': 1}}y"],
    // Anything around the expression makes it text, printed the way Python prints.
    ['prio={{ prio }}', 'prio=100'],
    [' {{ prio }}', ' 100'],
    ['{{ prio }}{{ prio }}', '100100'],
    ['{{ flag }}/{{ nothing }}', 'True/None'],
    ['vips: {{ vips }}', "vips: ['198.18.0.100', '198.18.0.101']"],
    ['{{ inst }}!', "{'name': 'VI_1', 'vrid': 51}!"],
    ['{% if flag %}on{% endif %}', 'on'],
    ['no template', 'no template'],
  ];
  for (const [src, want] of cases) it(`${src} → ${JSON.stringify(want)}`, () => expect(renderString(src, vars)).to.deep.equal(want));
});

describe('template: backslashes in playbook values are taken as written (Ansible)', () => {
  it('keeps regex escapes and group references in {{ }}', () => {
    expect(renderString("{{ 'eth0:1' | regex_replace('^(\\w+):(\\d)$', '\\2-\\1') }}", {})).to.equal('1-eth0');
  });
  it('does not turn \\n inside an expression into a newline', () => {
    expect(renderString("{{ ['a', 'b'] | join('\\n') }}", {})).to.equal('a\\nb');
  });
  it('but template files decode escapes as Jinja does', () => {
    expect(renderText("{{ ['a', 'b'] | join('\\n') }}", {})).to.equal('a\nb');
    expect(renderText("{{ 'x' | replace('x', '\\\\d') }}", {})).to.equal('\\d');
  });
});

describe('template: renderValue', () => {
  it('renders deep inside lists and dicts, converting lone expressions to native values', () => {
    const params = { name: '{{ inst.name }}', priority: '{{ prio }}', vips: ['{{ vips[0] }}/32', 'fixed'], nested: { on: '{{ flag }}' }, count: 3 };
    expect(renderValue(params, vars)).to.deep.equal({ name: 'VI_1', priority: 100, vips: ['198.18.0.100/32', 'fixed'], nested: { on: true }, count: 3 });
  });

  it('renders keys that are templates', () => {
    expect(renderValue({ '{{ iface }}': { mtu: 9000 }, static: 1 }, vars)).to.deep.equal({ eth1: { mtu: 9000 }, static: 1 });
  });

  it('drops entries that render to omit, as Ansible drops omitted module args', () => {
    const out = renderValue({ a: '{{ missing | default(omit) }}', b: '{{ prio }}', l: ['{{ missing | default(omit) }}', 'x'] }, vars);
    expect(out).to.deep.equal({ b: 100, l: ['x'] });
    expect(renderString('{{ omit }}', {})).to.equal(OMIT);
  });

  it('leaves values without templates untouched and does not compile them', () => {
    const before = templateCompiles();
    const value = { a: 'plain', b: 1, c: [true, null, 'text {not a template}'] };
    expect(renderValue(value, vars)).to.deep.equal(value);
    expect(templateCompiles()).to.equal(before);
  });

  it('returns lists and dicts detached from the vars they came from', () => {
    const own = { vips: ['a'], inst: { name: 'VI_1' } };
    const out = renderValue<unknown>({ v: '{{ vips }}', i: '{{ inst }}' }, own) as { v: string[]; i: { name: string } };
    out.v.push('b');
    out.i.name = 'changed';
    expect(own).to.deep.equal({ vips: ['a'], inst: { name: 'VI_1' } });
  });

  it('does not mutate its input', () => {
    const params = { p: '{{ prio }}', l: ['{{ flag }}'] };
    renderValue(params, vars);
    expect(params).to.deep.equal({ p: '{{ prio }}', l: ['{{ flag }}'] });
  });
});

describe('template: compiled templates are cached by text', () => {
  it('compiles each distinct string once across 1000 hosts', () => {
    // A 10-key params object with 3 templated values, the engine's common case.
    const params = { name: 'VI_1', state: 'present', interface: '{{ iface }} ', virtual_router_id: 51, priority: '{{ prio + n }} ', advert_int: 1, auth_type: 'PASS', vips: ['{{ vips[0] }}/32 '], nopreempt: false, track: 'chk' };
    const hosts = Array.from({ length: 1000 }, (_, n) => ({ ...vars, n }));
    const before = templateCompiles();
    const t0 = process.hrtime.bigint();
    const out = hosts.map((h) => renderValue(params, h));
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    expect(templateCompiles() - before).to.equal(3);
    expect(out[999]).to.include({ interface: 'eth1 ', priority: '1099 ' });
    // Generous bound: the figure is around 10 ms here; this only catches a lost cache.
    expect(ms, `1000 hosts took ${ms.toFixed(1)} ms`).to.be.below(1500);
  });
});

describe('template: variables whose values are templates (rendered when used, as Ansible does)', () => {
  // Expected values checked against ansible-playbook 2.14 with the same play vars.
  const lazy: Record<string, unknown> = {
    vip: '198.18.0.100',
    vip_cidr: '{{ vip }}/24',
    prio: '{{ 50 + 50 }}',
    lst: ['{{ vip }}', 'x'],
    bad: '{{ nope }}',
    deep: { inner: '{{ vip_cidr }}' },
    a: '{{ b }}',
    b: '{{ a }}',
    out: markUnsafe({ stdout: '{{ vip }}' }),
  };
  const cases: Array<[string, unknown]> = [
    ["{{ vip_cidr | ipaddr('address') }}", '198.18.0.100'],
    ['{{ prio + 1 }}', 101],
    ['{{ lst }}', ['198.18.0.100', 'x']],
    ["{{ bad | default('d') }}", 'd'],
    ['{{ bad is defined }}', false],
    ['{{ deep.inner }}', '198.18.0.100/24'],
    // Registered output is data from a host: never rendered again.
    ['{{ out.stdout }}', '{{ vip }}'],
  ];
  for (const [src, want] of cases) it(`${src} → ${JSON.stringify(want)}`, () => expect(renderString(src, lazy)).to.deep.equal(want));

  it('names the undefined variable inside the value, and the variable that holds it', () => {
    expect(() => renderString('{{ bad }}', lazy)).to.throw('undefined variable "nope" (in the value of "bad")');
  });

  it('reports a variable that refers to itself instead of looping', () => {
    expect(() => renderString('{{ a }}', lazy)).to.throw('variable "a" refers to itself (a → b → a)');
  });
});
