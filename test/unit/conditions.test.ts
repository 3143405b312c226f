import { expect } from 'chai';
import { TemplateError } from '../../core/errors.js';
import { evalCondition } from '../../core/template/index.js';

// `when:` conditions. Expected values were captured from Ansible itself
// (ansible-core 2.14.18): each expression was a task's `when:` with these vars;
// true = the task ran, false = skipped, ERROR = the task failed.

const vars: Record<string, unknown> = {
  prio: 100,
  name: "lb1",
  num: "42",
  s: "  Hello World  ",
  csv: "a,b,c",
  nothing: null,
  yes_str: "yes",
  empty: "",
  flag: true,
  nums: [3, 1, 2],
  d: {"x": 1, "y": 2},
  servers: [{"name": "a", "ip": "10.0.0.1", "w": 3, "up": true}, {"name": "b", "ip": "10.0.0.2", "w": 1, "up": false}, {"name": "c", "ip": "10.0.0.3", "w": 2}],
  result_ok: {"rc": 0, "changed": false, "failed": false, "stdout": "ok"},
  result_changed: {"rc": 0, "changed": true},
  result_failed: {"rc": 2, "failed": true, "changed": false},
  result_skipped: {"skipped": true, "changed": false},
  result_loop: {"changed": false, "results": [{"changed": false}, {"changed": true}]},
};

const ERROR = Symbol('error');

const rows: Array<[string, boolean | typeof ERROR]> = [
  ["result_ok.rc == 0", true],
  ["result_failed.rc == 0", false],
  ["result_ok is succeeded", true],
  ["result_failed is failed", true],
  ["result_failed is succeeded", false],
  ["result_changed is changed", true],
  ["result_ok is changed", false],
  ["result_loop is changed", false],
  ["result_skipped is skipped", true],
  ["result_ok is skipped", false],
  ["result_ok is success", true],
  ["result_failed is failure", true],
  ["'ok' in result_ok.stdout", true],
  ["result_ok.stdout == 'ok'", true],
  ["result_ok.stdout != 'ok'", false],
  ["prio > 50", true],
  ["prio >= 100 and name == 'lb1'", true],
  ["prio < 50 or flag", true],
  ["not flag", false],
  ["not nums", false],
  ["nums", true],
  ["[]", false],
  ["{}", false],
  ["empty", false],
  ["nothing", false],
  ["s", true],
  ["0", false],
  ["1", true],
  ["missing is defined", false],
  ["missing is undefined", true],
  ["missing is not defined", true],
  ["prio is defined", true],
  ["nothing is none", true],
  ["prio is not none", true],
  ["missing.sub is defined", false],
  ["missing | default(false)", false],
  ["missing | default(true) | bool", true],
  ["'lb1' in name", true],
  ["'b' in csv.split(',')", true],
  ["'x' not in nums", true],
  ["'x' in d", true],
  ["'x' in d.keys()", true],
  ["yes_str | bool", true],
  ["'false' | bool", false],
  ["num | int == 42", true],
  ["num == 42", false],
  ["num == '42'", true],
  ["name is match('lb')", true],
  ["name is match('b')", false],
  ["name is search('b')", true],
  ["name is regex('^lb\\d$')", true],
  ["'2.14.1' is version('2.9', '>=')", true],
  ["'2.9' is version('2.14', '<')", true],
  ["'1.0' is version('1.0.0', '==')", false],
  ["'1.2.3' is version_compare('1.2', 'gt')", true],
  ["prio is number", true],
  ["name is string", true],
  ["d is mapping", true],
  ["nums is sequence", true],
  ["nums is iterable", true],
  ["name is iterable", true],
  ["flag is true", true],
  ["flag is false", false],
  ["nothing is sameas none", true],
  ["servers | selectattr('up', 'defined') | list | length == 2", true],
  ["4 is divisibleby 2", true],
  ["3 is odd", true],
  ["4 is even", true],
  ["[1, 2] is subset([1, 2, 3])", true],
  ["[1, 2, 3] is superset([2])", true],
  ["nums is contains(2)", true],
  ["2 is in(nums)", true],
  ["prio == 100.0", true],
  ["1 < 2 < 3", true],
  ["'abc' < 'abd'", true],
  ["[1, 2] < [1, 3]", true],
  ["flag == 1", true],
  ["d == {'y': 2, 'x': 1}", true],
  ["[] == []", true],
  ["missing", ERROR],
  ["missing == 1", ERROR],
  ["missing.attr", ERROR],
  ["missing or true", ERROR],
  ["missing | length > 0", ERROR],
  ["nums > 1", ERROR],
  ["name > 1", ERROR],
  ["prio in 5", ERROR],
  ["missing is bogus_test", ERROR],
  ["True", true],
  ["False", false],
  ["None", false],
  ["true and not false", true],
];

describe('conditions: Ansible parity', () => {
  for (const [expr, want] of rows) {
    it(expr, () => {
      if (want === ERROR) expect(() => evalCondition(expr, vars)).to.throw(TemplateError);
      else expect(evalCondition(expr, vars)).to.equal(want);
    });
  }
});

describe('conditions: forms and messages', () => {
  it('takes booleans as they are', () => {
    expect(evalCondition(true, vars)).to.equal(true);
    expect(evalCondition(false, vars)).to.equal(false);
  });

  it('needs every item of a list (AND), and stops at the first false one', () => {
    expect(evalCondition(['prio > 50', "name == 'lb1'", true], vars)).to.equal(true);
    expect(evalCondition(['prio > 50', 'flag is false'], vars)).to.equal(false);
    // The undefined variable after a false item is never evaluated, as in Ansible.
    expect(evalCondition(['flag is false', 'missing == 1'], vars)).to.equal(false);
  });

  it('treats an empty condition as true', () => {
    expect(evalCondition('', vars)).to.equal(true);
    expect(evalCondition('   ', vars)).to.equal(true);
  });

  it('accepts an expression written with braces, and multi-line YAML folding', () => {
    expect(evalCondition('{{ flag }}', vars)).to.equal(true);
    expect(evalCondition("{{ 'false' }}", vars)).to.equal(false);
    expect(evalCondition('{{ prio }} > 99', vars)).to.equal(true);
    expect(evalCondition('prio > 50\n  and flag\n', vars)).to.equal(true);
  });

  it('evaluates registered results of the current run', () => {
    const reg = { ...vars, out: { rc: 1, stdout: 'inactive', stdout_lines: ['inactive'], changed: false, failed: false } };
    expect(evalCondition('out.rc != 0', reg)).to.equal(true);
    expect(evalCondition("'inactive' in out.stdout_lines", reg)).to.equal(true);
    expect(evalCondition('out is not changed and out is succeeded', reg)).to.equal(true);
    expect(evalCondition('out.stdout_lines == []', reg)).to.equal(false);
  });

  it('names the undefined variable', () => {
    expect(() => evalCondition('missing == 1', vars)).to.throw(TemplateError, 'undefined variable "missing"');
    expect(() => evalCondition('result_ok.nope.deeper', vars)).to.throw(TemplateError, 'undefined variable "result_ok.nope"');
  });

  it('reports a syntax error with its column in the condition as written', () => {
    expect(() => evalCondition('prio >', vars)).to.throw(TemplateError, /col 8: template syntax error: unexpected end of expression/);
  });

  it('rejects values that are not conditions', () => {
    expect(() => evalCondition(42 as unknown as string, vars)).to.throw(TemplateError, /a condition must be/);
  });
});
