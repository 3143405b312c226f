// rb's compiler, subclassing nunjucks' own (the parser is in parser.ts). What changes:
// - conditions, `not`, `and`, `or` use Python truthiness ([] and {} are false)
//   and fail on an undefined operand;
// - ==, <, +, *, ~, `in` follow Python (runtime.ts) instead of JS coercions;
// - member lookups carry the expression text (`hostvars.rb3`) for error messages;
// - every expression records its line/col so runtime errors can point at it;
// - unknown filters and tests are errors when evaluated (as Jinja);
// - "native" mode returns the value of a single `{{ expr }}` instead of text.

import { nj, type AstNode } from './nunjucks.js';
import { RbCall, Slice } from './parser.js';
import { internalNameError, isInternalName } from './sandbox.js';

const { nodes } = nj;

/** Is the template exactly one `{{ expr }}` (Ansible returns its native value)? */
export function isSingleExpression(ast: AstNode): boolean {
  const [only] = ast.children;
  return ast.children.length === 1 && only instanceof nodes.Output && only.children.length === 1 && !(only.children[0] instanceof nodes.TemplateData);
}

/** The expression as written, for messages: `hostvars[inventory_hostname].mac`. */
export function pathOf(node: AstNode): string {
  if (node instanceof nodes.Symbol) return node.value;
  if (node instanceof nodes.LookupVal) {
    const base = pathOf(node.target);
    const v = node.val;
    if (v instanceof nodes.Literal) return typeof v.value === 'string' && /^[A-Za-z_]\w*$/.test(v.value) ? `${base}.${v.value}` : `${base}[${JSON.stringify(v.value)}]`;
    return `${base}[${v instanceof nodes.Symbol || v instanceof nodes.LookupVal ? pathOf(v) : '…'}]`;
  }
  if (node instanceof nodes.FunCall) return `${pathOf(node.name)}(…)`;
  if (node instanceof nodes.Filter) return `(… | ${node.name.value})`;
  return '(…)';
}

/** Global functions whose names are refused in value position already at compile time (short names people use as variables are checked at run time). */
const FUNCTION_GLOBALS = new Set(['range', 'lookup', 'query', 'cycler', 'joiner', 'namespace', 'lipsum']);

export interface KnownNames {
  filters: Set<string>;
  tests: Set<string>;
}

export class RbCompiler extends nj.Compiler {
  constructor(
    name: string,
    private readonly known: KnownNames,
    private readonly native: boolean,
  ) {
    super(name, false);
  }

  assertType(node: AstNode, ...types: unknown[]): void {
    if (node instanceof RbCall || node instanceof Slice) return;
    super.assertType(node, ...types);
  }

  _compileExpression(node: AstNode, frame: unknown): void {
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, `);
    super._compileExpression(node, frame);
    this._emit(')');
  }

  compileRbCall(node: AstNode, frame: unknown): void {
    this._emit(`runtime.${node.fn}(`);
    this.compile(node.expr, frame);
    this._emit(')');
  }

  private noFiles(node: AstNode, tag: string): void {
    this.fail(`{% ${tag} %} is not available: a template cannot load other files`, node.lineno, node.colno);
  }

  compileExtends(node: AstNode): void {
    this.noFiles(node, 'extends');
  }


  compileSlice(node: AstNode): void {
    this.fail('a slice [a:b] is only valid after a value', node.lineno, node.colno);
  }

  private call(fn: string, args: AstNode[], frame: unknown, lazyFrom = args.length): void {
    this._emit(`runtime.${fn}(`);
    args.forEach((a, i) => {
      if (i) this._emit(', ');
      if (i >= lazyFrom) this._emit('function() { return ');
      if (a === null) this._emit('null');
      else if (typeof a === 'string') this._emit(a);
      else this._compileExpression(a, frame);
      if (i >= lazyFrom) this._emit('; }');
    });
    this._emit(')');
  }

  private refuseInternal(node: AstNode): void {
    const key = node instanceof nodes.Symbol ? node.value : node.val instanceof nodes.Literal ? node.val.value : undefined;
    if (isInternalName(key)) this.fail(internalNameError(pathOf(node)), node.lineno, node.colno);
  }

  // A variable in value position: a function (a global such as range) is refused at run time.
  compileSymbol(node: AstNode, frame: unknown): void {
    this.refuseInternal(node);
    if (FUNCTION_GLOBALS.has(node.value) && !(frame as { lookup(n: string): unknown }).lookup(node.value)) this.fail(`refused: "${node.value}" is a function; it can be called, not used as a value`, node.lineno, node.colno);
    this._emit('runtime.rbValue(');
    super.compileSymbol(node, frame);
    this._emit(`, ${JSON.stringify(node.value)})`);
  }

  compilePair(node: AstNode, frame: unknown): void {
    const k = node.key;
    if ((k instanceof nodes.Literal || k instanceof nodes.Symbol) && isInternalName(k.value)) this.fail(internalNameError(String(k.value)), k.lineno, k.colno);
    super.compilePair(node, frame);
  }

  // Only a name (a global, a macro) or a method of a value can be called: `range(3)`,
  // `x.split(',')`. Calling what an expression evaluates to (`(f)()`, `x[k]()`) is refused.
  compileFunCall(node: AstNode, frame: unknown): void {
    const callee = node.name;
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, `);
    if (callee instanceof nodes.Symbol) {
      this.refuseInternal(callee);
      this._emit('runtime.callWrap(');
      super.compileSymbol(callee, frame);
      this._emit(`, ${JSON.stringify(callee.value)}, context, `);
    } else if (callee instanceof nodes.LookupVal && callee.val instanceof nodes.Literal && typeof callee.val.value === 'string') {
      this.refuseInternal(callee);
      this._emit('runtime.rbCallMethod(');
      this._compileExpression(callee.target, frame);
      this._emit(`, ${JSON.stringify(callee.val.value)}, ${JSON.stringify(pathOf(callee))}, context, `);
    } else {
      for (const n of [callee, ...callee.findAll(nodes.LookupVal), ...callee.findAll(nodes.Symbol)]) if (n instanceof nodes.LookupVal || n instanceof nodes.Symbol) this.refuseInternal(n);
      this.fail(`refused: only a function or a method can be called, not the value of ${pathOf(callee)}`, node.lineno, node.colno);
    }
    this._compileAggregate(node.args, frame, '[', '])');
    this._emit(')');
  }

  compileLookupVal(node: AstNode, frame: unknown): void {
    const v = node.val;
    this.refuseInternal(node);
    if (v instanceof Slice) return this.call('rbSlice', [node.target, v.start, v.stop, v.step], frame);
    this.call('memberLookup', [node.target, v, JSON.stringify(pathOf(node)), String(!(v instanceof nodes.Literal))], frame);
  }

  compileNot(node: AstNode, frame: unknown): void {
    this._emit('!');
    this.call('rbTruthy', [node.target], frame);
  }

  compileOr(node: AstNode, frame: unknown): void {
    this.call('rbOr', [node.left, node.right], frame, 1);
  }

  compileAnd(node: AstNode, frame: unknown): void {
    this.call('rbAnd', [node.left, node.right], frame, 1);
  }

  compileAdd(node: AstNode, frame: unknown): void {
    this.call('rbAdd', [node.left, node.right], frame);
  }

  compileMul(node: AstNode, frame: unknown): void {
    this.call('rbMul', [node.left, node.right], frame);
  }

  compileConcat(node: AstNode, frame: unknown): void {
    this.call('rbConcat', [node.left, node.right], frame);
  }

  compileCompare(node: AstNode, frame: unknown): void {
    // Python chains: a < b < c means a < b and b < c.
    let left = node.expr;
    node.ops.forEach((op: AstNode, i: number) => {
      if (i) this._emit(' && ');
      this.call('rbCompare', [left, JSON.stringify(op.type), op.expr], frame);
      left = op.expr;
    });
  }

  compileIs(node: AstNode, frame: unknown): void {
    const r = node.right;
    const name: string = r instanceof nodes.FunCall ? r.name.value : r instanceof nodes.Literal ? (r.value === null ? 'none' : String(r.value)) : r.value;
    // As Jinja: an unknown test or filter fails when the expression is evaluated, not when it is compiled.
    if (!this.known.tests.has(name)) return this._emit(`runtime.rbUnknown("test", ${JSON.stringify(name)})`);
    this._emit(`(env.getTest(${JSON.stringify(name)}).call(context, `);
    this._compileExpression(node.left, frame);
    if (r instanceof nodes.FunCall && r.args.children.length) {
      this._emit(', ');
      this._compileAggregate(r.args, frame);
    }
    this._emit(') === true)');
  }

  compileFilter(node: AstNode, frame: unknown): void {
    const name = node.name.value;
    if (!this.known.filters.has(name)) return this._emit(`runtime.rbUnknown("filter", ${JSON.stringify(name)})`);
    super.compileFilter(node, frame);
  }

  compileOutput(node: AstNode, frame: unknown): void {
    for (const child of node.children) {
      if (child instanceof nodes.TemplateData) {
        if (!child.value) continue;
        this._emit(`${this.buffer} += `);
        this.compileLiteral(child, frame);
        this._emitLine(';');
      } else if (this.native) {
        this._emit(`${this.buffer} = `);
        this._compileExpression(child, frame);
        this._emitLine(';');
      } else {
        this._emit(`${this.buffer} += runtime.suppressValue(`);
        this._compileExpression(child, frame);
        this._emitLine(', false);');
      }
    }
  }
}

/**
 * Compile an AST to the object nunjucks' Template accepts as precompiled code.
 * The one place generated code is turned into a function: the code is written
 * by this compiler from the parsed AST, and every value from a template (names,
 * string literals, template text) enters it through JSON.stringify or nunjucks'
 * compileLiteral, never as source (test/unit/template-sandbox.test.ts).
 */
export function compileAst(ast: AstNode, name: string, known: KnownNames, native: boolean): Record<string, unknown> {
  const c = new RbCompiler(name, known, native);
  c.compile(ast);
  return new Function(c.getCode())() as Record<string, unknown>;
}
