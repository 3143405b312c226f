import { expect } from 'chai';
import type { Fields } from '../../core/schema/types.js';
import { validateFields } from '../../core/schema/validate.js';

const fields: Fields = {
  name: { type: 'string', required: true },
  value: { type: 'int', min: 0, max: 255 },
  enabled: { type: 'bool', default: true },
  state: { type: 'string', enum: ['present', 'absent'], default: 'present' },
  password: { type: 'string', secret: true, pattern: /^.{1,8}$/, patternName: 'at most 8 characters' },
  servers: { type: 'list', items: { type: 'object', fields: { address: { type: 'string', required: true }, weight: { type: 'int', default: 1 } } } },
  settings: { type: 'map', values: { type: 'string' } },
  path: { type: 'string', aliases: ['dest'] },
};

describe('schema validation', () => {
  it('converts rendered strings to the declared types, as Ansible does', () => {
    const r = validateFields(fields, { name: 'x', value: '100', enabled: 'yes' });
    expect(r.problems).to.deep.equal([]);
    expect(r.value).to.deep.equal({ name: 'x', value: 100, enabled: true, state: 'present' });
  });

  it('applies defaults inside lists of objects and accepts aliases', () => {
    const r = validateFields(fields, { name: 'x', servers: [{ address: 'a' }], dest: '/etc/x' });
    expect(r.problems).to.deep.equal([]);
    expect(r.value.servers).to.deep.equal([{ address: 'a', weight: 1 }]);
    expect(r.value.path).to.equal('/etc/x');
  });

  it('reports every problem at once with its field path', () => {
    const r = validateFields(fields, { value: 'abc', enabled: 'maybe', state: 'presnt', servers: [{ weight: 2 }], colour: 1 });
    const got = r.problems.map((p) => `${p.path}: ${p.message}`);
    expect(got).to.include('value: expected an integer, got string "abc"');
    expect(got).to.include('enabled: expected a boolean (true/false/yes/no), got string "maybe"');
    expect(got.find((g) => g.startsWith('state:'))).to.contain('did you mean "present"');
    expect(got).to.include('servers[0].address: required parameter is missing');
    expect(got).to.include('colour: unknown parameter (valid: enabled, name, password, path, servers, settings, state, value)');
    expect(got).to.include('name: required parameter is missing');
    expect(r.problems).to.have.length(6);
  });

  it('checks ranges and never prints a secret value', () => {
    const r = validateFields(fields, { name: 'x', value: 300, password: 'much-too-long' });
    expect(r.problems.map((p) => p.message)).to.deep.equal(['must be at most 255, got 300', 'expected at most 8 characters, got (secret)']);
  });

  it('leaves templates for later when asked, and checks them after rendering', () => {
    expect(validateFields(fields, { name: 'x', value: '{{ prio }}' }, '', { allowTemplates: true }).problems).to.deep.equal([]);
    expect(validateFields(fields, { name: 'x', value: '{{ prio }}' }).problems).to.have.length(1);
  });

  it('quotes map keys with dots in paths', () => {
    const r = validateFields(fields, { name: 'x', settings: { 'net.ipv4.ip_forward': [1] } });
    expect(r.problems[0].path).to.equal('settings["net.ipv4.ip_forward"]');
  });
});

describe('cross-field rules', () => {
  it('may point at a nested field', () => {
    const fields: Fields = { groups: { type: 'list', items: { type: 'object', fields: { node: { type: 'string' } } } } };
    const r = validateFields(fields, { groups: [{ node: 'a' }, { node: 'b' }] }, 'task', {}, () => [['groups[1].node', `"b" is not in the node list`]]);
    expect(r.problems).to.deep.equal([{ path: 'task.groups[1].node', message: '"b" is not in the node list' }]);
  });
});
