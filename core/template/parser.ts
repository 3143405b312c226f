// rb's parser: nunjucks' own plus what Jinja playbooks use and nunjucks lacks:
// Python slices `x[1:]`, `x[::-1]`; `x is divisibleby 3` without parentheses;
// `}}` closing nested dicts inside `{{ }}`; Jinja's string escapes (strings.ts);
// trim_blocks after comments and `{% endraw %}` as Jinja does.

import { nj, type AstNode } from './nunjucks.js';
import { stringParser, type StringMode } from './strings.js';

const { nodes, lexer } = nj;

/** `runtime.<fn>(expr)`: how rb hooks truthiness and iteration into the compiled code. */
export const RbCall = nodes.Node.extend('RbCall', { fields: ['fn', 'expr'] });
export const Slice = nodes.Node.extend('Slice', { fields: ['start', 'stop', 'step'] });

const ARG_START = new Set(['symbol', 'string', 'int', 'float', 'none', 'boolean', 'left-bracket', 'left-curly']);
const ARG_STOP = new Set(['and', 'or', 'else', 'if', 'in', 'not', 'is']);

export class RbParser extends nj.Parser {
  // Same as nunjucks' parsePostfix, plus slices inside `[...]`.
  parsePostfix(node: AstNode): AstNode {
    let tok = this.peekToken();
    while (tok) {
      if (tok.type === lexer.TOKEN_LEFT_BRACKET) {
        node = new nodes.LookupVal(tok.lineno, tok.colno, node, this.parseSubscript());
      } else if (tok.type === lexer.TOKEN_LEFT_PAREN) {
        node = new nodes.FunCall(tok.lineno, tok.colno, node, this.parseSignature());
      } else if (tok.type === lexer.TOKEN_OPERATOR && tok.value === '.') {
        this.nextToken();
        const val = this.nextToken();
        // Jinja's `item.0` and `item.0.name` (the lexer reads `0.` or `0.1` as a float).
        if (val && (val.type === lexer.TOKEN_INT || val.type === lexer.TOKEN_FLOAT) && /^\d+(\.\d*)?$/.test(val.value)) {
          const [whole, frac] = String(val.value).split('.');
          node = new nodes.LookupVal(tok.lineno, tok.colno, node, new nodes.Literal(val.lineno, val.colno, Number(whole)));
          if (frac) node = new nodes.LookupVal(tok.lineno, tok.colno, node, new nodes.Literal(val.lineno, val.colno, Number(frac)));
          else if (frac === '') {
            const name = this.nextToken();
            if (!name || (name.type !== lexer.TOKEN_SYMBOL && name.type !== lexer.TOKEN_INT)) this.fail(`expected name after ".", got ${name ? name.value : 'end of template'}`, name?.lineno, name?.colno);
            node = new nodes.LookupVal(tok.lineno, tok.colno, node, new nodes.Literal(name.lineno, name.colno, name.type === lexer.TOKEN_INT ? Number(name.value) : name.value));
          }
          tok = this.peekToken();
          continue;
        }
        if (!val || val.type !== lexer.TOKEN_SYMBOL) this.fail(`expected name after ".", got ${val ? val.value : 'end of template'}`, val?.lineno, val?.colno);
        node = new nodes.LookupVal(tok.lineno, tok.colno, node, new nodes.Literal(val.lineno, val.colno, val.value));
      } else {
        break;
      }
      tok = this.peekToken();
    }
    return node;
  }

  // Same as nunjucks' parseIs, plus Jinja's one-argument form without parentheses:
  // `x is divisibleby 3`, `x is sameas none`.
  parseIs(): AstNode {
    let node = this.parseCompare();
    if (!this.skipSymbol('is')) return node;
    const not = this.skipSymbol('not');
    let test = this.parseCompare();
    const next = this.peekToken();
    if (!(test instanceof nodes.FunCall) && next && ARG_START.has(next.type) && !(next.type === lexer.TOKEN_SYMBOL && ARG_STOP.has(next.value))) {
      const arg = this.parsePostfix(this.parsePrimary(true));
      const name = test instanceof nodes.Literal ? new nodes.Symbol(test.lineno, test.colno, test.value === null ? 'none' : String(test.value)) : test;
      test = new nodes.FunCall(test.lineno, test.colno, name, new nodes.NodeList(arg.lineno, arg.colno, [arg]));
    }
    node = new nodes.Is(node.lineno, node.colno, node, test);
    return not ? new nodes.Not(node.lineno, node.colno, node) : node;
  }

  // Jinja's trim_blocks keeps the newline after `{% raw %}` and drops the one after
  // `{% endraw %}`; nunjucks does the opposite (its lexer trims the first, and a
  // regex consumes the second).
  parseRaw(tagName?: string): AstNode {
    const node = super.parseRaw(tagName);
    if (this.tokens.trimBlocks) {
      skipNewline(this.tokens);
      const line: string = this.tokens.str.split('\n')[node.lineno] ?? '';
      const rest = line.slice(node.colno).replace(/^%}/, '');
      if (rest === '' || rest === '\r') node.children[0].value = `${rest === '\r' ? '\r\n' : '\n'}${node.children[0].value}`;
    }
    return node;
  }

  parseSubscript(): AstNode {
    const open = this.nextToken();
    const at = (t: string) => this.peekToken()?.type === t;
    const part = () => (at(lexer.TOKEN_COLON) || at(lexer.TOKEN_RIGHT_BRACKET) ? null : this.parseExpression());
    const first = part();
    if (!at(lexer.TOKEN_COLON)) {
      if (!first) this.fail('empty subscript', open.lineno, open.colno);
      this.expect(lexer.TOKEN_RIGHT_BRACKET);
      return first;
    }
    this.nextToken();
    const stop = part();
    let step = null;
    if (at(lexer.TOKEN_COLON)) {
      this.nextToken();
      step = part();
    }
    this.expect(lexer.TOKEN_RIGHT_BRACKET);
    return new Slice(open.lineno, open.colno, first, stop, step);
  }
}

interface Token {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}

interface Tokens {
  current(): string;
  forward(): void;
  nextToken(): Token | null;
  trimBlocks: boolean;
  in_code: boolean;
  str: string;
  index: number;
  lineno: number;
  colno: number;
  _parseString: unknown;
}

/** trim_blocks: drop the one newline (\n or \r\n) right after a tag. */
function skipNewline(t: Tokens): void {
  if (t.current() === '\r') t.forward();
  if (t.current() === '\n') t.forward();
}

export function parse(src: string, opts: object, strings: StringMode): AstNode {
  const tokens = nj.lexer.lex(src, opts) as Tokens;
  tokens._parseString = stringParser(strings);
  const next = tokens.nextToken;
  let braces = 0;
  tokens.nextToken = function () {
    // `{{ {'a': {'b': 1}} }}`: while a dict literal is open, `}}` closes dicts, not the tag.
    if (this.in_code && braces > 0 && this.str.startsWith('}}', this.index)) {
      const tok = { type: 'right-curly', value: '}', lineno: this.lineno, colno: this.colno };
      this.forward();
      braces--;
      return tok;
    }
    const tok = next.call(this);
    if (tok?.type === 'left-curly') braces++;
    else if (tok?.type === 'right-curly') braces--;
    else if (tok?.type === 'variable-end' || tok?.type === 'block-end') braces = 0;
    // Jinja's trim_blocks applies to comments too; nunjucks' only to block tags.
    else if (tok?.type === 'comment' && this.trimBlocks) skipNewline(this);
    return tok;
  };
  const p = new RbParser(tokens);
  p.extensions = [];
  const ast = p.parseAsRoot();
  // Hook Python truthiness / iteration into every place nunjucks tests or loops.
  const wrap = (fn: string, e: AstNode) => new RbCall(e.lineno, e.colno, fn, e);
  for (const n of ast.findAll(nodes.If)) n.cond = wrap('rbTruthy', n.cond);
  for (const n of ast.findAll(nodes.InlineIf)) n.cond = wrap('rbTruthy', n.cond);
  for (const n of ast.findAll(nodes.For)) n.arr = wrap(n.name instanceof nodes.Array ? 'rbIterPairs' : 'rbIter', n.arr);
  return nj.transform(ast, [], undefined);
}

