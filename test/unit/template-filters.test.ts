import { expect } from 'chai';
import { TemplateError } from '../../core/errors.js';
import { renderString } from '../../core/template/index.js';
import { ansibleVars } from '../fixtures/template/ansible-vars.js';

// Filters, operators and Python methods, one expression per row.
// Expected values were captured from Ansible itself (ansible-core 2.14.18 with the
// Debian 12 `ansible` 7.7 collections, ANSIBLE_JINJA2_NATIVE=True so types survive),
// by evaluating `{{ expr }}` in a debug task with exactly these vars. Rows marked
// `rb:` differ from Ansible on purpose; the comment says why.

const vars = ansibleVars;

const ERROR = Symbol('error');

const rows: Array<[string, unknown]> = [
  ["missing | default(5)", 5],
  ["nothing | default(5)", null],
  ["empty | default('x')", ""],
  ["empty | default('x', true)", "x"],
  ["missing | d('z')", "z"],
  ["missing.attr | default('deep')", "deep"],
  ["name | mandatory", "lb1"],
  ["nums | join(',')", "3,1,2"], // rb: Ansible's native mode re-reads the text "3,1,2" as a tuple; the filter's result is the string
  ["servers | join(', ', attribute='name')", "a, b, c"],
  ["csv | join('-')", "a-,-b-,-c"],
  ["num | int", 42],
  ["'0x1A' | int(base=16)", 26],
  ["'12abc' | int", 0],
  ["'12abc' | int(7)", 7],
  ["flt | int", 1],
  ["true | int", 1],
  ["'1_000' | int", 1000],
  ["' 42 ' | int", 42],
  ["flt | float", 1.5],
  ["'abc' | float", 0.0],
  ["'1e3' | float", 1000.0],
  ["3 | float", 3.0],
  ["yes_str | bool", true],
  ["'off' | bool", false],
  ["'TRUE' | bool", true],
  ["1 | bool", true],
  ["0 | bool", false],
  ["'' | bool", false],
  ["nothing | bool", null],
  ["prio | string", "100"],
  ["flag | string", "True"],
  ["nothing | string", "None"],
  ["nums | string", "[3, 1, 2]"],
  ["d | string", "{'x': 1, 'y': 2}"],
  ["name | lower", "lb1"],
  ["name | upper", "LB1"],
  ["'hELLO wORLD' | capitalize", "Hello world"],
  ["s | trim", "Hello World"],
  ["'xxhixx' | trim('x')", "hi"],
  ["'a.b.c' | replace('.', '-')", "a-b-c"],
  ["'aaa' | replace('a', 'b', 2)", "bba"],
  ["text | regex_replace('^(\\w+): (?P<ip>[\\d.]+)/(\\d+)$', '\\g<ip> on \\1 /\\3')", "10.0.0.1 on eth0 /24"],
  ["'abc' | regex_replace('B', 'x', ignorecase=true)", "axc"],
  ["'a.b' | regex_replace('\\.', '\\\\')", "a\\b"],
  ["text | regex_search('[\\d.]+')", "0"], // rb: Ansible's native mode turns the matched text "0" into the number 0
  ["text | regex_search('(\\w+): ([\\d.]+)', '\\2', '\\1')", ["10.0.0.1", "eth0"]],
  ["text | regex_search('(?P<dev>\\w+):', '\\g<dev>')", ["eth0"]],
  ["text | regex_search('nomatch')", null],
  ["text | regex_findall('\\d+')", ["0", "10", "0", "0", "1", "24"]],
  ["text | regex_findall('(\\d+)\\.(\\d+)')", [["10", "0"], ["0", "1"]]],
  ["d | to_json", "{\"x\": 1, \"y\": 2}"],
  ["servers[0] | to_json", "{\"name\": \"a\", \"ip\": \"10.0.0.1\", \"w\": 3, \"up\": true}"],
  ["nums | to_json", "[3, 1, 2]"],
  ["'\u00e9' | to_json", "\"\\u00e9\""],
  ["d | to_nice_json", "{\n    \"x\": 1,\n    \"y\": 2\n}"],
  ["deep | to_nice_json(indent=2)", "{\n  \"a\": {\n    \"b\": 1,\n    \"l\": [\n      1\n    ]\n  }\n}"],
  ["d | to_yaml", "x: 1\ny: 2\n"], // rb: block style (PyYAML writes leaf collections in flow style); same data
  ["'{\"a\": [1, 2]}' | from_json", {"a": [1, 2]}],
  ["flag | ternary('MASTER', 'BACKUP')", "MASTER"],
  ["empty | ternary('yes', 'no')", "no"],
  ["nothing | ternary('t', 'f', 'none')", "none"],
  ["'a b' | quote", "'a b'"],
  ["\"it's\" | quote", "'it'\\''s'"], // rb: POSIX quoting of core/transport/shell.ts (shlex writes 'it'"'"'s'); Ansible's display re-parsed it
  ["'safe-word_1.2' | quote", "safe-word_1.2"],
  ["'' | quote", "''"],
  ["path | basename", "keepalived.conf"],
  ["path | dirname", "/etc/keepalived"],
  ["'/etc/' | basename", ""],
  ["'/etc/' | dirname", "/etc"],
  ["'file' | dirname", ""],
  ["'/' | dirname", "/"],
  ["path | splitext", ["/etc/keepalived/keepalived", ".conf"]],
  ["'hello' | b64encode", "aGVsbG8="],
  ["'aGVsbG8=' | b64decode", "hello"],
  ["'h\u00e9llo' | b64encode", "aMOpbGxv"],
  ["'hello' | hash('sha1')", "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"],
  ["'hello' | hash('md5')", "5d41402abc4b2a76b9719d911017c592"],
  ["'hello' | hash('sha256')", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"],
  ["'hello' | checksum", "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"],
  ["lookup('env', 'RB_TEMPLATE_TEST_ENV')", "envvalue"],
  ["lookup('env', 'RB_TEMPLATE_NO_SUCH_ENV', default='dflt')", "dflt"],
  ["missing | default(omit) == omit", true],
  ["prio + 1", 101],
  ["nums + [4]", [3, 1, 2, 4]],
  ["'a' ~ 1 ~ flag", "a1True"],
  ["'-' * 3", "---"],
  ["7 // 2", 3],
  ["2 ** 10", 1024],
  ["7 % 3", 1],
  ["[] == []", true],
  ["d == {'y': 2, 'x': 1}", true],
  ["1 == 1.0", true],
  ["'1' == 1", false],
  ["csv.split(',')", ["a", "b", "c"]],
  ["csv.split(',', 1)", ["a", "b,c"]],
  ["'a b  c'.split()", ["a", "b", "c"]],
  ["s.strip()", "Hello World"],
  ["name.upper()", "LB1"],
  ["'abc'.startswith('a')", true],
  ["'abc'.endswith(('x', 'c'))", true],
  ["d.get('x')", 1],
  ["d.get('q', 'dflt')", "dflt"],
  ["nums.index(2)", 2],
  ["'a-b'.replace('-', '+')", "a+b"],
  ["nums[-1]", 2],
  ["nums[1:]", [1, 2]],
  ["nums[::-1]", [2, 1, 3]],
  ["csv[2:]", "b,c"],
  ["'abc'[1]", "b"],
  ["'%s:%d' | format('x', 42)", "x:42"],
  ["'hello world' | title", "Hello World"],
  ["yaml_text | from_yaml", {"a": [1, 2], "b": true, "c": null}],
  ["name | ansible.builtin.upper", "LB1"], // rb: Ansible only knows Jinja builtins by their short name; rb accepts both
  ["'a\\nb'", "a\\nb"],
  ["'a\\tb\\\\c'", "a\\tb\\\\c"],
  ["csv | regex_replace('(\\w),', '\\1;')", "a;b;c"],
  ["nothing", null],
  ["flag", true],
  ["prio * 2 / 4", 50.0],
  ["-prio", -100],
];

describe('template: filters and expressions (Ansible parity)', () => {
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
