// Params of the vrrp module: generated from the grammar (so docs, validation
// and the model cannot disagree) plus the task-level fields, and the rules
// across fields that keepalived would otherwise only report at run time.

import type { Fields, ParamSpec, StringSpec } from '../../core/schema/types.js';
import { SPECS, type BlockSpec, type FieldSpec } from './grammar.js';

export const DEFAULT_PATH = '/etc/keepalived/keepalived.conf';

// What no keepalived word can hold (lexer.ts UNWRITABLE / EXPANDED): a double
// quote, control and separator characters, `$NAME`/`${...}`, a trailing backslash.
const UNSAFE = '"\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}\\p{Co}\\u00a0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000';
const safe = (more: string, body = '+') => new RegExp(`^(?![^]*\\$[A-Za-z_{])(?![^]*\\\\$)[^${UNSAFE}${more}]${body}$`, 'u');
const SAFE_NOTE = 'no double quote, control or line-separator character, $NAME or trailing backslash';
// Values are written inside double quotes when needed. Braces are refused even
// there: keepalived 2.2 still takes a quoted "}" as the end of the block.
const TEXT: Pick<StringSpec, 'pattern' | 'patternName'> = { pattern: safe('{}'), patternName: `text without braces that keepalived reads back as written (${SAFE_NOTE})` };
// Items split into words on our side: a comment or brace character would change their meaning.
const PLAIN: Pick<StringSpec, 'pattern' | 'patternName'> = { pattern: safe('{}#!'), patternName: `words without braces, # or ! (${SAFE_NOTE})` };
const ONE_WORD: Pick<StringSpec, 'pattern' | 'patternName'> = { pattern: safe('\\s{}#!'), patternName: `one word without braces, # or ! (${SAFE_NOTE})` };

const EXTRA: ParamSpec = {
  type: 'list',
  single: true,
  items: { type: 'string', pattern: /^[^\r]*$/ },
  description: 'keepalived statements rb does not model, written as they are (e.g. "garp_master_refresh 60")',
};

function fieldParam(fs: FieldSpec): ParamSpec {
  const base = { description: fs.description, ...(fs.secret ? { secret: true } : {}) };
  switch (fs.kind) {
    case 'int':
      return { type: 'int', min: fs.min, max: fs.max, ...base };
    case 'number':
      return { type: 'number', min: fs.min, max: fs.max, ...base };
    case 'word':
      return { type: 'string', enum: fs.enum, maxLength: fs.maxLength, ...TEXT, ...base };
    case 'cmd':
      return { type: 'string', ...TEXT, ...base };
    case 'args':
      return { type: 'string', ...PLAIN, ...base };
    case 'flag':
    case 'bool':
      return { type: 'bool', ...base };
    case 'words':
      return { type: 'list', single: true, items: { type: 'string', ...PLAIN }, ...base };
    case 'lines':
      return { type: 'list', single: true, items: { type: 'string', ...PLAIN }, ...base };
    case 'vips':
      return { type: 'list', single: true, items: vipParam, ...base };
    case 'block':
      return { type: 'object', fields: blockFields(fs.block), ...base };
    case 'blocks':
      return { type: 'list', single: true, items: { type: 'object', fields: blockFields(fs.block) }, ...base };
  }
}

const vipParam: ParamSpec = {
  type: 'oneOf',
  options: [
    { type: 'string', ...PLAIN },
    {
      type: 'object',
      fields: {
        address: { type: 'string', required: true, ...ONE_WORD, description: 'ADDR[/LEN]; /32 (IPv4) or /128 (IPv6) when no length' },
        dev: { type: 'string', ...ONE_WORD, description: 'interface (default: the instance interface)' },
        label: { type: 'string', ...ONE_WORD, description: 'alias label, DEV:NAME' },
        brd: { type: 'string', ...ONE_WORD, description: 'broadcast address' },
        scope: { type: 'string', enum: ['site', 'link', 'host', 'nowhere', 'global'], description: 'address scope' },
        options: { type: 'string', ...PLAIN, description: 'other options as written in keepalived.conf' },
      },
    },
  ],
};

export function blockFields(spec: BlockSpec): Fields {
  const fields: Fields = {};
  for (const [name, k] of Object.entries(spec.key?.fields ?? {})) {
    fields[name] = k.type === 'int' ? { type: 'int', min: k.min, max: k.max, required: k.required, description: k.description } : { type: 'string', ...ONE_WORD, required: k.required, description: k.description };
  }
  for (const fs of spec.fields) fields[fs.field] = fieldParam(fs);
  fields.extra = EXTRA;
  return fields;
}

export const params: Fields = {
  path: { type: 'string', default: DEFAULT_PATH, pattern: /^\/[^\r\n]*$/, patternName: 'an absolute path', aliases: ['dest'], description: 'keepalived.conf to manage; the keepalived service must read this file (Debian: DAEMON_ARGS in /etc/default/keepalived)' },
  service: { type: 'string', default: 'keepalived', ...ONE_WORD, description: 'service name used to start and stop keepalived' },
  pid_file: { type: 'string', default: '/run/keepalived.pid', pattern: /^\/\S*$/, patternName: 'an absolute path', description: "keepalived's pid file (reloads signal this pid)" },
  state: { type: 'string', enum: ['started', 'stopped'], default: 'started', description: 'whether keepalived runs' },
  ...blockFields(SPECS.root),
};
