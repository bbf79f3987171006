export { type AuditConfig, type AuditResult, audit, IGNORE_ANNOTATION } from './audit.js';
export { default as auditCommand } from './command.js';
export { type FixResult, fixSources } from './fix.js';
export { RULE_IDS, RULES } from './rules/index.js';
export type { AuditOptions, KubeVersion, RuleMeta } from './rules/rule.js';
export type { Finding, InputError, Severity, Source } from './types.js';
