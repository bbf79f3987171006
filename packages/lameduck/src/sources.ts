/**
 * Where an option's value came from, so that an error about it names what the user actually set: the
 * environment variable and its text (`LAMEDUCK_DRAIN_DELAY=40s`), not the option and the parsed
 * number. `optionsFromEnv` attaches this to the options it returns (an enumerable symbol, so that
 * `{ ...optionsFromEnv(env), ...yours }` keeps it); an option you set in code overrides it.
 */
export const SOURCES: unique symbol = Symbol.for('lameduck.optionSources');

export interface Source {
  readonly variable: string;
  /** The text of the variable, as set. */
  readonly text: string;
  /** The value parsed from it: the source applies only while the option still holds this value. */
  readonly value: unknown;
}

export type Sources = Readonly<Record<string, Source>>;

/** How an option is named in an error: the variable it came from, or the option itself. */
export interface OptionLabel {
  /** `LAMEDUCK_DRAIN_DELAY` or `drainDelay`. */
  readonly name: string;
  /** What to show as received: the variable's text, or the value. */
  readonly received: unknown;
}

/** The variable that sets each option (for the options that have one). */
const VARIABLE: Readonly<Record<string, string>> = {
  drainDelay: 'LAMEDUCK_DRAIN_DELAY',
  gracePeriod: 'LAMEDUCK_GRACE_PERIOD',
  deadlineMargin: 'LAMEDUCK_DEADLINE_MARGIN',
  signals: 'LAMEDUCK_SIGNALS',
  drainOnCrash: 'LAMEDUCK_DRAIN_ON_CRASH',
};

/**
 * With options read from the environment, an option the environment left unset is named by its
 * variable too (the user configures variables, not options).
 */
export function labelFor(
  sources: Sources | undefined,
  option: string,
  value: unknown,
): OptionLabel {
  const source = sources?.[option];
  if (source && Object.is(source.value, value)) {
    return { name: source.variable, received: source.text };
  }
  const variable = VARIABLE[option];
  if (sources && value === undefined && variable) return { name: variable, received: undefined };
  return { name: option, received: value };
}
