// The one place nunjucks is imported. rb uses its lexer, parser, compiler and
// Template, but compiles through its own compiler subclass (compiler.ts) and
// runs templates with its own runtime (runtime.ts): the documented API has no
// hook for strict, Python-like semantics. Written against nunjucks 3.2.4.

import nunjucks from 'nunjucks';
// The transformer is not re-exported by nunjucks' index; it is part of the same package.
// @ts-expect-error no type declarations for nunjucks internals
import transformerModule from 'nunjucks/src/transformer.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type AstNode = any;

export interface NunjucksInternals {
  Environment: new (loaders: unknown[], opts: Record<string, unknown>) => any;
  Template: new (src: { type: 'code'; obj: Record<string, unknown> }, env: any, path?: string) => { render(ctx: object): unknown };
  Compiler: new (name: string, throwOnUndefined: boolean) => any;
  Parser: new (tokens: unknown) => any;
  lexer: { lex(src: string, opts: unknown): unknown } & Record<'TOKEN_LEFT_BRACKET' | 'TOKEN_RIGHT_BRACKET' | 'TOKEN_COLON' | 'TOKEN_LEFT_PAREN' | 'TOKEN_OPERATOR' | 'TOKEN_SYMBOL' | 'TOKEN_INT' | 'TOKEN_FLOAT', string>;
  nodes: Record<string, any>;
  runtime: Record<string, any>;
  lib: { _assign(a: object, b: object): void; TemplateError: new (msg: string, line?: number, col?: number) => Error };
  transform(ast: AstNode, asyncFilters: string[], name?: string): AstNode;
}

const n = nunjucks as any;

export const nj: NunjucksInternals = {
  Environment: n.Environment,
  Template: n.Template,
  Compiler: n.compiler.Compiler,
  Parser: n.parser.Parser,
  lexer: n.lexer,
  nodes: n.nodes,
  runtime: n.runtime,
  lib: n.lib,
  transform: (transformerModule as any).transform,
};
