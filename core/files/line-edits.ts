// Edits of a config file's lines, collected against the original line numbers
// and applied at the end, so a file is changed value by value: comments, order
// and everything the edit does not touch stay as the operator wrote them.

export class LineEdits {
  readonly replace = new Map<number, string>();
  readonly drop = new Set<number>();
  /** Lines to insert after line N (-1: before the first line). */
  readonly insert = new Map<number, string[]>();

  add(after: number, text: string): void {
    this.insert.set(after, [...(this.insert.get(after) ?? []), text]);
  }

  /**
   * The edited file: `lines` with the edits applied, then `tail` (new sections),
   * which takes the place of any blank lines the file ended with.
   */
  render(lines: readonly string[], tail: readonly string[] = []): string {
    const out = [...(this.insert.get(-1) ?? [])];
    lines.forEach((text, i) => {
      if (!this.drop.has(i)) out.push(this.replace.get(i) ?? text);
      out.push(...(this.insert.get(i) ?? []));
    });
    while (out.length && out[out.length - 1].trim() === '' && tail.length) out.pop();
    out.push(...tail);
    return `${out.join('\n')}\n`;
  }
}

export const indentOf = (text: string): string => /^\s*/.exec(text)![0];
