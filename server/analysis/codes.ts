import type { Severity } from './types';

/**
 * The one registry of diagnostic codes. Severities, the `kumomta.diagnostics.severity` setting, the docs
 * table and the CLI's rule list all come from here; fixture test/fixtures/diagnostics/<code>.lua covers each.
 */
export interface DiagnosticCodeInfo {
  code: string;
  group: 'syntax' | 'api' | 'config' | 'value' | 'event' | 'version' | 'xref' | 'lua';
  severity: Severity;
  summary: string;
}

const list: DiagnosticCodeInfo[] = [
  { code: 'syntax-error', group: 'syntax', severity: 'error', summary: 'The file is not valid Lua 5.4.' },
  { code: 'unknown-attribute', group: 'syntax', severity: 'error', summary: 'A local attribute other than <const> or <close>.' },
  { code: 'assign-to-const', group: 'lua', severity: 'error', summary: 'Assignment to a <const> or <close> local.' },
  { code: 'global-assignment', group: 'lua', severity: 'warning', summary: 'Assignment to a global variable, unsafe under KumoMTA concurrency.' },
  { code: 'unknown-member', group: 'api', severity: 'error', summary: 'A member that a kumo module, or a required module whose table is fully known, does not have.' },
  { code: 'unknown-method', group: 'api', severity: 'warning', summary: 'A method the inferred object type does not have.' },
  { code: 'argument-count', group: 'api', severity: 'error', summary: 'A call with too few or too many arguments.' },
  { code: 'unknown-config-key', group: 'config', severity: 'error', summary: 'A key the config table rejects.' },
  { code: 'missing-required-key', group: 'config', severity: 'error', summary: 'A required config key is absent.' },
  { code: 'type-mismatch', group: 'config', severity: 'error', summary: 'A literal value of the wrong type for its key or parameter.' },
  { code: 'invalid-enum', group: 'value', severity: 'error', summary: 'A string that is not one of the allowed values.' },
  { code: 'invalid-value', group: 'value', severity: 'error', summary: 'A duration, throttle, limit, CIDR or address string the parser rejects.' },
  { code: 'suspicious-value', group: 'value', severity: 'warning', summary: 'A value that parses but is probably not what was meant (months vs minutes).' },
  { code: 'unknown-event', group: 'event', severity: 'warning', summary: 'kumo.on for an event no one fires.' },
  { code: 'duplicate-handler', group: 'event', severity: 'error', summary: 'A second handler for a single-handler event.' },
  { code: 'on-inside-handler', group: 'event', severity: 'error', summary: 'kumo.on called inside a handler other than main.' },
  { code: 'wrong-handler-return', group: 'event', severity: 'error', summary: 'A handler returns a value of the wrong kind.' },
  { code: 'removed-api', group: 'version', severity: 'error', summary: 'API that KumoMTA removed.' },
  { code: 'deprecated-api', group: 'version', severity: 'hint', summary: 'Deprecated API.' },
  { code: 'newer-than-target', group: 'version', severity: 'warning', summary: 'API introduced after kumomta.targetVersion.' },
  { code: 'undefined-pool', group: 'xref', severity: 'warning', summary: 'An egress pool no handler defines.' },
  { code: 'unknown-source', group: 'xref', severity: 'warning', summary: 'A pool entry naming a source no handler defines.' },
  { code: 'constructor-without-handler', group: 'xref', severity: 'warning', summary: 'A custom_lua constructor with no matching kumo.on.' },
  { code: 'duplicate-consumer', group: 'xref', severity: 'error', summary: 'Two multi-tailer consumers with the same name.' },
];

export const diagnosticCodes: ReadonlyMap<string, DiagnosticCodeInfo> = new Map(list.map((c) => [c.code, c]));

export function codeInfo(code: string): DiagnosticCodeInfo {
  const info = diagnosticCodes.get(code);
  if (!info) throw new Error(`unregistered diagnostic code '${code}'`);
  return info;
}
