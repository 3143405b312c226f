import { expect } from 'chai';
import { TemplateError } from '../../core/errors.js';
import { renderString } from '../../core/template/index.js';
import { ansibleVars } from '../fixtures/template/ansible-vars.js';

// List, dict, set and ipaddr filters, one expression per row.
// Expected values were captured from Ansible itself (ansible-core 2.14.18 with the
// Debian 12 `ansible` 7.7 collections, ANSIBLE_JINJA2_NATIVE=True so types survive),
// by evaluating `{{ expr }}` in a debug task with exactly these vars. Rows marked
// `rb:` differ from Ansible on purpose; the comment says why.

const vars = ansibleVars;

const ERROR = Symbol('error');

const rows: Array<[string, unknown]> = [
  ["csv | length", 5],
  ["nums | length", 3],
  ["d | length", 2],
  ["nums | count", 3],
  ["'' | length", 0],
  ["nums | first", 3],
  ["nums | last", 2],
  ["csv | first", "a"],
  ["dup | unique", [1, 2]],
  ["words | unique", ["b", "A", "c"]],
  ["['a', 'A'] | unique", ["a"]],
  ["nums | sort", [1, 2, 3]],
  ["words | sort", ["A", "b", "c"]],
  ["words | sort(case_sensitive=true)", ["A", "b", "c"]],
  ["nums | sort(reverse=true)", [3, 2, 1]],
  ["servers | sort(attribute='w') | map(attribute='name') | list", ["b", "c", "a"]],
  ["nums | reverse | list", [2, 1, 3]],
  ["csv | reverse", "c,b,a"],
  ["nums | min", 1],
  ["nums | max", 3],
  ["servers | max(attribute='w') | to_json", "{\"name\": \"a\", \"ip\": \"10.0.0.1\", \"w\": 3, \"up\": true}"],
  ["nums | sum", 6],
  ["servers | sum(attribute='w')", 6],
  ["[[1], [2]] | sum(start=[])", [1, 2]],
  ["d | dict2items", [{"key": "x", "value": 1}, {"key": "y", "value": 2}]],
  ["d | dict2items(key_name='k', value_name='v')", [{"k": "x", "v": 1}, {"k": "y", "v": 2}]],
  ["pairs | items2dict", {"k1": 1, "k2": 2}],
  ["[{'n': 'a', 'v': 1}] | items2dict(key_name='n', value_name='v')", {"a": 1}],
  ["servers | map(attribute='name') | list", ["a", "b", "c"]],
  ["words | map('lower') | list", ["b", "a", "c"]],
  ["nums | map('string') | list", ["3", "1", "2"]],
  ["words | map('regex_replace', '^', 'x') | list", ["xb", "xA", "xc"]],
  ["nums | select('gt', 1) | list", [3, 2]],
  ["nums | reject('gt', 1) | list", [1]],
  ["[0, 1, '', 'a'] | select | list", [1, "a"]],
  ["servers | selectattr('up', 'defined') | selectattr('up') | map(attribute='name') | list", ["a"]],
  ["servers | rejectattr('up', 'defined') | map(attribute='name') | list", ["c"]],
  ["servers | selectattr('name', 'equalto', 'b') | map(attribute='ip') | first", "10.0.0.2"],
  ["servers | selectattr('ip', 'match', '10\\.0\\.0\\.[12]$') | map(attribute='name') | list", ["a", "b"]],
  ["d | combine(e)", {"x": 1, "y": {"z": 2}}],
  ["d | combine({'x': 9}, {'z': 3})", {"x": 9, "y": 2, "z": 3}],
  ["deep | combine({'a': {'c': 2} }, recursive=true)", {"a": {"b": 1, "c": 2, "l": [1]}}],
  ["deep | combine({'a': {'c': 2} })", {"a": {"c": 2}}],
  ["{'l': [1]} | combine({'l': [2]}, list_merge='append')", {"l": [1, 2]}],
  ["csv | list", ["a", ",", "b", ",", "c"]],
  ["d | list", ["x", "y"]],
  ["nums | zip(words) | list", [[3, "b"], [1, "A"], [2, "c"]]],
  ["nums | zip(words, csv) | list", [[3, "b", "a"], [1, "A", ","], [2, "c", "b"]]],
  ["[[1, 'a'], [2, 'b']] | community.general.dict", {"1": "a", "2": "b"}],
  ["nested | flatten", [1, 2, 3, 4]],
  ["nested | flatten(levels=1)", [1, 2, [3, [4]]]],
  ["[1, none, [2, none]] | flatten", [1, 2]],
  ["nums | difference([2])", [3, 1]],
  ["nums | intersect([2, 3, 4])", [3, 2]],
  ["nums | union([4, 1])", [3, 1, 2, 4]],
  ["nums | symmetric_difference([2, 5])", [3, 1, 5]],
  ["range(3) | list", [0, 1, 2]],
  ["range(1, 10, 3) | list", [1, 4, 7]],
  ["range(5, 0, -2) | list", [5, 3, 1]],
  ["d.keys() | list", ["x", "y"]],
  ["d.items() | list", [["x", 1], ["y", 2]]],
  ["servers | map(attribute='w', default=0) | list", [3, 1, 2]],
  ["servers | map(attribute='missing', default='x') | list", ["x", "x", "x"]],
  ["servers | rejectattr('w', 'undefined') | sum(attribute='w')", 6],
  ["cidr | ipaddr", "198.18.0.11/24"],
  ["cidr | ipaddr('address')", "198.18.0.11"],
  ["cidr | ipaddr('prefix')", 24],
  ["cidr | ipaddr('network')", "198.18.0.0"],
  ["cidr | ipaddr('netmask')", "255.255.255.0"],
  ["cidr | ipaddr('broadcast')", "198.18.0.255"],
  ["cidr | ipaddr('host')", "198.18.0.11/24"],
  ["cidr | ipaddr('subnet')", "198.18.0.0/24"],
  ["cidr | ipaddr('size')", 256],
  ["net | ipaddr('address')", null],
  ["net | ipaddr('net')", "198.18.0.0/24"],
  ["net | ipaddr(10)", "198.18.0.10/24"],
  ["net | ipaddr(-2)", "198.18.0.254/24"],
  ["net | ipaddr(10) | ipaddr('address')", "198.18.0.10"],
  ["mask_form | ipaddr('prefix')", 16],
  ["mask_form | ipaddr('network')", "10.1.0.0"],
  ["'198.18.0.1' | ipaddr('prefix')", 32],
  ["'198.18.0.1' | ipaddr('network')", "198.18.0.1"],
  ["'198.18.0.1' | ipaddr('address')", "198.18.0.1"],
  ["'300.1.1.1' | ipaddr", false],
  ["'x' | ipaddr", false],
  ["addrs | ipaddr", ["198.18.0.1", "10.0.0.0/8", "fe80::1"]],
  ["addrs | ipv4", ["198.18.0.1", "10.0.0.0/8"]],
  ["addrs | ipv4('address')", ["198.18.0.1"]],
  ["cidr | ipv4('address')", "198.18.0.11"],
  ["'fe80::1' | ipv4", false],
  ["'fe80::1' | ipaddr", "fe80::1"],
  ["'198.18.0.10' | ipmath(5)", "198.18.0.15"],
  ["net | nthhost(10)", "198.18.0.10"],
  ["cidr | ansible.utils.ipaddr('address')", "198.18.0.11"],
  ["net | ipaddr('address')", null],
  ["net | ipaddr('host')", null],
  ["net | ipaddr('address/prefix')", false],
  ["cidr | ipaddr('net')", null],
  ["'10.0.0.0/31' | ipaddr('broadcast')", null],
  ["'10.0.0.0/31' | ipaddr('address')", "10.0.0.0"],
  ["'10.0.0.1/32' | ipaddr('host')", "10.0.0.1/32"],
  ["net | ipaddr(300)", false],
  ["net | ipaddr('hostmask')", "0.0.0.255"],
  ["cidr | ipaddr('private')", "198.18.0.11/24"],
  ["'8.8.8.8' | ipaddr('public')", "8.8.8.8"],
  ["'8.8.8.8' | ipaddr('private')", null],
  ["'x' | ipaddr('address')", false],
  ["addrs | ipaddr('address')", ["198.18.0.1", "fe80::1"]],
  ["addrs | ipaddr('network')", ERROR], // rb: network/prefix queries are IPv4-only in rb
  ["'fe80::1' | ipaddr('address')", "fe80::1"],
  ["'fe80::1/64' | ipaddr('network')", ERROR], // rb: network/prefix queries are IPv4-only in rb
  ["'fe80::1' | ipv6", "fe80::1"],
  ["cidr | ipv6", false],
  ["net | nthhost(300)", false],
  ["'198.18.0.1' | ipaddr('size')", 1],
  ["cidr | ipaddr('version')", 4],
  ["'10.1.2.3/8' | ipaddr('net')", null],
  ["'10.1.2.3/33' | ipaddr", false],
  ["'10.1.2' | ipaddr", false], // rb: netaddr's legacy inet_aton forms are not accepted
  ["'010.1.2.3' | ipaddr", false], // rb: netaddr's legacy inet_aton forms are not accepted
  ["5 | ipaddr", false], // rb: integers are not addresses in rb
  ["'' | ipaddr", false],
  ["'10.0.0.1/24' | ipaddr('cidr')", "10.0.0.1/24"],
  ["servers | groupby('up') | map('first') | list", ERROR],
  ["servers | selectattr('up', 'defined') | groupby('up') | map(attribute='grouper') | list", [false, true]],
  ["(servers | groupby('w') | first).list | map(attribute='name') | list", ["b"]],
  ["d | dictsort", [["x", 1], ["y", 2]]],
  ["'a\\nb' | indent(2, true)", "  a\\nb"],
  ["3.14159 | round(2)", 3.14],
  ["2.5 | round", 2.0],
  ["-3 | abs", 3],
  ["'hello world foo' | wordcount", 3],
  ["nums | batch(2) | list", [[3, 1], [2]]],
  ["'abcdef' | truncate(5)", "abcdef"],
  ["'a' | center(5)", "  a  "],
];

describe('template: collection and ipaddr filters (Ansible parity)', () => {
  before(() => {
    process.env.RB_TEMPLATE_TEST_ENV = 'envvalue';
  });
  for (const [expr, want] of rows) {
    it(expr, () => {
      const render = () => renderString(`{{ ${expr} }}`, vars);
      if (want === ERROR) expect(render).to.throw(TemplateError);
      else expect(render()).to.deep.equal(want);
    });
  }
});
