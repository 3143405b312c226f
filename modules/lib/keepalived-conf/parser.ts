// keepalived.conf → syntax tree. A statement is the words of one line; a `{`
// after it (same line or the next) opens its block, `}` closes it. `include`
// lines are kept as include nodes and spliced in by `resolveIncludes` once the
// files they name have been fetched, so the parser itself stays pure.

import { posix } from 'node:path';
import { ConfSyntaxError, tokenize, tokenizeLines, type SourceLine, type Token } from './lexer.js';

export interface ConfNode {
  /** keyword first, then its arguments (quotes removed). */
  words: string[];
  /** Present when the statement has a `{ ... }` block (possibly empty). */
  children?: ConfNode[];
  file: string;
  line: number;
}

/** keepalived's include keywords; the variants only differ in error checks. */
export const INCLUDE_KEYWORDS = new Set(['include', 'includet', 'includer', 'includem', 'includew', 'includeb', 'includea']);

export function isInclude(n: ConfNode): boolean {
  return INCLUDE_KEYWORDS.has(n.words[0]) && n.words.length === 2 && !n.children;
}

/** Parse one file. Throws ConfSyntaxError with file and line. */
export function parseConf(text: string, file: string): ConfNode[] {
  return parseTokens(tokenize(text, file), file);
}

/** Parse lines as keepalived reads them after its line processing (preprocess.ts). */
export function parseLines(lines: SourceLine[], file: string): ConfNode[] {
  return parseTokens(tokenizeLines(lines), file);
}

function parseTokens(tokens: Token[], mainFile: string): ConfNode[] {
  let pos = 0;
  let file = mainFile;

  function block(opener?: ConfNode): ConfNode[] {
    const nodes: ConfNode[] = [];
    let words: string[] = [];
    let line = 0;
    // The last statement of this block, while a `{` may still follow it on a later line.
    let awaitingBlock: ConfNode | undefined;
    const endStatement = () => {
      if (words.length === 0) return;
      const node: ConfNode = { words, file, line };
      nodes.push(node);
      awaitingBlock = node;
      words = [];
    };
    while (pos < tokens.length) {
      const t: Token = tokens[pos++];
      file = t.file ?? mainFile;
      if (t.type === 'word') {
        if (words.length === 0) {
          line = t.line;
          awaitingBlock = undefined;
        }
        words.push(t.text);
      } else if (t.type === 'eol') {
        endStatement();
      } else if (t.type === 'open') {
        endStatement();
        const owner = awaitingBlock;
        if (!owner || owner.children) throw new ConfSyntaxError(file, t.line, "'{' without a keyword before it");
        owner.children = block(owner);
        awaitingBlock = undefined;
      } else {
        endStatement();
        if (!opener) throw new ConfSyntaxError(file, t.line, "extra '}'");
        return nodes;
      }
    }
    endStatement();
    if (opener) throw new ConfSyntaxError(opener.file, opener.line, `'${opener.words[0]}' block is not closed (missing '}')`);
    return nodes;
  }

  return block();
}

/** Include patterns of a tree, made absolute against the including file's folder. */
export function includePatterns(nodes: ConfNode[]): string[] {
  const out: string[] = [];
  const walk = (list: ConfNode[]) => {
    for (const n of list) {
      if (isInclude(n)) out.push(includeTarget(n));
      if (n.children) walk(n.children);
    }
  };
  walk(nodes);
  return [...new Set(out)];
}

function includeTarget(n: ConfNode): string {
  return posix.resolve(posix.dirname(n.file), n.words[1]);
}

/** Files an include pattern matched on the host, in glob order, with their text. */
export type IncludedFiles = Record<string, Array<{ path: string; text: string }>>;

/**
 * Replace include nodes by the parsed content of the files they matched. A
 * pattern missing from `files` throws (the caller fetches every pattern first);
 * one that matched nothing contributes nothing, as in keepalived.
 */
export function resolveIncludes(nodes: ConfNode[], files: IncludedFiles, depth = 0): ConfNode[] {
  if (depth > 8) throw new ConfSyntaxError(nodes[0]?.file ?? '?', nodes[0]?.line ?? 0, 'includes nested more than 8 deep');
  const out: ConfNode[] = [];
  for (const n of nodes) {
    if (isInclude(n)) {
      const pattern = includeTarget(n);
      const matched = files[pattern];
      if (!matched) throw new Error(`include ${pattern} was not fetched`);
      for (const f of matched) out.push(...resolveIncludes(parseConf(f.text, f.path), files, depth + 1));
    } else if (n.children) {
      out.push({ ...n, children: resolveIncludes(n.children, files, depth) });
    } else {
      out.push(n);
    }
  }
  return out;
}
