import { expect } from 'chai';
import { ConfSyntaxError, quoteWord, splitWords, tokenize } from '../../modules/lib/keepalived-conf/lexer.js';
import { includePatterns, parseConf, resolveIncludes, type ConfNode } from '../../modules/lib/keepalived-conf/parser.js';

/** Nodes without positions, for comparisons. */
function shape(nodes: ConfNode[]): unknown[] {
  return nodes.map((n) => (n.children ? { w: n.words, c: shape(n.children) } : { w: n.words }));
}

function syntaxError(text: string): ConfSyntaxError {
  try {
    parseConf(text, '/etc/keepalived/keepalived.conf');
  } catch (e) {
    if (e instanceof ConfSyntaxError) return e;
    throw e;
  }
  throw new Error('no syntax error');
}

describe('vrrp lexer', () => {
  it('drops ! and # comments anywhere outside double quotes', () => {
    const words = tokenize('priority 100 # the master\n! a comment line\nscript "/bin/x #1 !2" #tail', 'f')
      .filter((t) => t.type === 'word')
      .map((t) => (t as { text: string }).text);
    expect(words).to.deep.equal(['priority', '100', 'script', '/bin/x #1 !2']);
  });

  it('reads \\# and \\! as the characters themselves', () => {
    expect(splitWords('notification_email_from rb\\#1@example.org')).to.deep.equal(['notification_email_from', 'rb#1@example.org']);
  });

  it('makes braces tokens wherever they stand, except inside quotes', () => {
    const types = tokenize('authentication { auth_type PASS }x "{y}"', 'f').map((t) => (t.type === 'word' ? t.text : t.type));
    expect(types).to.deep.equal(['authentication', 'open', 'auth_type', 'PASS', 'close', 'x', '{y}', 'eol']);
  });

  it('starts a new word at a quote, as keepalived does', () => {
    expect(splitWords('abc"def ghi" jkl')).to.deep.equal(['abc', 'def ghi', 'jkl']);
  });

  it('rejects an unterminated quote with its line', () => {
    const e = syntaxError('global_defs {\n  router_id "lab\n}');
    expect(e.line).to.equal(2);
    expect(e.message).to.equal('/etc/keepalived/keepalived.conf:2: unterminated quote');
  });

  it('quotes exactly the words that need it', () => {
    expect(['rr', '/bin/x a', 'p#ss', '', 'a{b'].map(quoteWord)).to.deep.equal(['rr', '"/bin/x a"', '"p#ss"', '""', '"a{b"']);
    expect(() => quoteWord('say "hi"')).to.throw('double quote');
  });
});

describe('vrrp parser', () => {
  it('builds nested blocks, with { on the keyword line or the next', () => {
    const text = ['vrrp_instance VI_1', '{', '  state MASTER', '  authentication {', '    auth_type PASS', '  }', '}'].join('\n');
    expect(shape(parseConf(text, 'f'))).to.deep.equal([
      { w: ['vrrp_instance', 'VI_1'], c: [{ w: ['state', 'MASTER'] }, { w: ['authentication'], c: [{ w: ['auth_type', 'PASS'] }] }] },
    ]);
  });

  it('reads one-line blocks and text after a closing brace', () => {
    expect(shape(parseConf('virtual_ipaddress { 10.0.0.1 } priority 5', 'f'))).to.deep.equal([
      { w: ['virtual_ipaddress'], c: [{ w: ['10.0.0.1'] }] },
      { w: ['priority', '5'] },
    ]);
  });

  it('keeps an empty block as a block', () => {
    expect(shape(parseConf('TCP_CHECK {\n}', 'f'))).to.deep.equal([{ w: ['TCP_CHECK'], c: [] }]);
  });

  it('records file and line of every statement', () => {
    const [n] = parseConf('\n\n# x\nvrrp_script chk {\n  script /bin/true\n}', '/a/b.conf');
    expect([n.file, n.line, n.children![0].line]).to.deep.equal(['/a/b.conf', 4, 5]);
  });

  it('names the unclosed block and where it opened', () => {
    const e = syntaxError('global_defs {\n}\nvrrp_instance VI_1 {\n  state MASTER\n');
    expect(e.message).to.equal("/etc/keepalived/keepalived.conf:3: 'vrrp_instance' block is not closed (missing '}')");
  });

  it('rejects an extra } and a { without keyword', () => {
    expect(syntaxError('global_defs {\n}\n}').message).to.match(/:3: extra '\}'$/);
    expect(syntaxError('{\n}').message).to.match(/:1: '\{' without a keyword before it$/);
  });
});

describe('vrrp includes', () => {
  const main = parseConf('global_defs {\n  router_id a\n}\ninclude conf.d/*.conf\nvrrp_instance VI_1 {\n  include /etc/keepalived/vi1-extra.conf\n}', '/etc/keepalived/keepalived.conf');

  it('lists include patterns, relative ones against the including file', () => {
    expect(includePatterns(main)).to.deep.equal(['/etc/keepalived/conf.d/*.conf', '/etc/keepalived/vi1-extra.conf']);
  });

  it('splices in the matched files in order, at any depth', () => {
    const nodes = resolveIncludes(main, {
      '/etc/keepalived/conf.d/*.conf': [
        { path: '/etc/keepalived/conf.d/a.conf', text: 'vrrp_script s1 {\n script /bin/true\n}' },
        { path: '/etc/keepalived/conf.d/b.conf', text: 'include ../nested.conf' },
      ],
      '/etc/keepalived/nested.conf': [{ path: '/etc/keepalived/nested.conf', text: 'vrrp_script s2 {\n}' }],
      '/etc/keepalived/vi1-extra.conf': [],
    });
    expect(shape(nodes)).to.deep.equal([
      { w: ['global_defs'], c: [{ w: ['router_id', 'a'] }] },
      { w: ['vrrp_script', 's1'], c: [{ w: ['script', '/bin/true'] }] },
      { w: ['vrrp_script', 's2'], c: [] },
      { w: ['vrrp_instance', 'VI_1'], c: [] },
    ]);
    expect(nodes[1].file).to.equal('/etc/keepalived/conf.d/a.conf');
  });

  it('refuses to resolve a pattern that was not fetched', () => {
    expect(() => resolveIncludes(main, {})).to.throw('include /etc/keepalived/conf.d/*.conf was not fetched');
  });
});
