export type { CommandContext, CommandSpec, OptionSpec, OptionSpecs } from './args/spec.js';
export { CliError } from './errors.js';
export { main, version } from './main.js';
