import { defineCommand } from '../args/spec.js';
import { LameduckError } from '../core/errors.js';
import { type Io, useColor } from '../core/io.js';
import { version } from '../main.js';
import { DocumentCache } from '../manifest/parse.js';
import type { Source } from '../manifest/types.js';
import { type AuditConfig, type AuditResult, audit, type Variant } from './audit.js';
import type { Severity } from './finding.js';
import { fixSources } from './fix/fix-sources.js';
import { writeFixes } from './fix/write-fixes.js';
import { formatJson } from './format/json.js';
import { formatJunit } from './format/junit.js';
import type { Report } from './format/report.js';
import { formatSarif } from './format/sarif.js';
import { withTemplateLines } from './format/template-lines.js';
import { formatText } from './format/text.js';
import { readSources } from './input/read-sources.js';
import { parseKubeVersion } from './model/kube-version.js';
import { RULE_IDS } from './rules/registry.js';

const RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, error: 2 };

export default defineCommand({
  name: 'audit',
  summary: 'Find and fix graceful-termination mistakes in Kubernetes manifests and Dockerfiles',
  description:
    'Audits Kubernetes manifests (files, directories, or - for a `helm template` / `kustomize build` stream) and Dockerfiles for mistakes that drop requests during rolling updates: missing readiness probes and preStop delays, grace periods that do not fit, SIGTERM lost in shells and npm, rollouts without capacity, load balancers that do not drain. Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or parse errors.',
  positionals: [
    {
      name: 'paths',
      description: 'Files or directories to audit, or - for stdin',
      required: true,
      variadic: true,
    },
  ],
  options: {
    format: {
      kind: 'enum',
      description: 'Output format',
      choices: ['text', 'json', 'sarif', 'junit'],
      default: 'text',
    },
    failOn: {
      kind: 'enum',
      description: 'Lowest severity that makes the exit code 1',
      choices: ['error', 'warning', 'info', 'never'],
      default: 'warning',
    },
    fix: {
      kind: 'boolean',
      description: 'Rewrite files in place with the safe fixes (stdin: print the fixed stream)',
    },
    dryRun: {
      kind: 'boolean',
      description: 'Print the diff of the safe fixes instead of writing them (implies --fix)',
    },
    kubeVersion: {
      kind: 'string',
      description: 'Cluster version fixes target (>= 1.30 uses the native preStop sleep)',
      valueName: '<1.xx>',
      default: '1.30',
    },
    appDrain: {
      kind: 'duration',
      description: 'How long the app needs to drain after SIGTERM',
      valueName: '<d>',
      default: 10_000,
      min: 0,
    },
    skipUnparsable: {
      kind: 'boolean',
      description:
        'Let files that cannot be audited (unrendered templates, links to nothing, text that is not UTF-8) pass; they are still listed',
    },
    stdinFilename: {
      kind: 'string',
      description: 'The path findings from stdin (-) are reported under',
      valueName: '<path>',
    },
    disable: {
      kind: 'list',
      description: 'Rules not to run (comma-separated ids)',
      valueName: '<rule,...>',
      choices: RULE_IDS,
    },
  },
  examples: [
    'lameduck audit k8s/',
    'helm template my-chart | lameduck audit -',
    'lameduck audit --fix --dry-run deploy.yaml',
    'lameduck audit --format sarif . > lameduck.sarif',
  ],
  async run({ options, positionals, io }) {
    const fixing = options.fix || options.dryRun;
    const config: AuditConfig = {
      appDrainSeconds: Math.ceil(options.appDrain / 1000),
      kubeVersion: parseKubeVersion(options.kubeVersion),
      disabled: new Set(options.disable),
      // --fix audits again after each round of fixes: documents are parsed once.
      ...(fixing ? { cache: new DocumentCache() } : {}),
    };
    const read = await readSources(positionals, {
      cwd: io.cwd,
      stdin: io.stdin,
      ...(options.stdinFilename ? { stdinFilename: options.stdinFilename } : {}),
    });
    for (const skipped of read.skipped)
      io.stderr.write(`lameduck audit: skipped ${skipped.file}: ${skipped.detail}\n`);
    if (read.skipped.length && !options.skipUnparsable) {
      io.stderr.write(
        `lameduck audit: ${read.skipped.length} file(s) could not be audited (exit 2); --skip-unparsable lets them pass\n`,
      );
    }
    let sources: Source[] = read.sources;
    let wouldChange = false;
    let afterFix: AuditResult | undefined;
    if (fixing) {
      const fixed = await applyFixes(sources, config, io, options.dryRun);
      sources = fixed.sources;
      wouldChange = fixed.changed > 0;
      afterFix = fixed.audited;
    }
    // The last round of --fix audited the fixed sources already, when it changed nothing more.
    const audited = afterFix ?? audit(sources, config);
    const result = {
      ...audited,
      findings: await withTemplateLines(audited.findings, sources, io.cwd),
    };
    for (const variant of result.variants)
      io.stderr.write(`lameduck audit: ${variantNote(variant)}\n`);
    if (result.objects === 0 && result.errors.length === 0) {
      if (read.skipped.length) return 2;
      // An empty `helm template` stream is a failed render, not a clean chart.
      throw new LameduckError(
        'ERR_LAMEDUCK_AUDIT_NO_OBJECTS',
        `lameduck audit: no Kubernetes objects or Dockerfiles in ${positionals.join(' ')}`,
        { exitCode: 2 },
      );
    }
    // The fixed stream (stdin) or the diff (--dry-run) owns stdout; the report then goes to stderr.
    const out = fixing && (options.dryRun || sources.some((s) => s.stdin)) ? io.stderr : io.stdout;
    const report: Report = { result, toolVersion: version(), fixing, skipped: read.skipped };
    const color = useColor(io, out === io.stdout ? 'stdout' : 'stderr');
    out.write(FORMATS[options.format](report, color));
    if (result.errors.length || (read.skipped.length && !options.skipUnparsable)) return 2;
    // A dry run that would change a file fails, so CI can require fixes to be applied.
    if (options.dryRun && wouldChange) return 1;
    if (options.failOn === 'never') return 0;
    const threshold = RANK[options.failOn as Severity];
    return result.findings.some((f) => RANK[f.severity] >= threshold) ? 1 : 0;
  },
});

/** `Deployment default/web is defined in 3 files (a.yaml, b.yaml, c.yaml): …` */
function variantNote(variant: Variant): string {
  const { kind, namespace, name } = variant.subject;
  return `${kind} ${namespace ? `${namespace}/` : ''}${name} is defined in ${variant.files.length} files (${variant.files.join(', ')}): audited as variants, each with the objects of its own file or folder, not merged`;
}

const FORMATS: Readonly<
  Record<'text' | 'json' | 'sarif' | 'junit', (report: Report, color: boolean) => string>
> = {
  text: (report, color) => formatText(report, { color }),
  json: formatJson,
  sarif: formatSarif,
  junit: formatJunit,
};

/**
 * Applies the safe fixes: writes each changed file through the one file writer (stdin: prints the
 * fixed stream), or with `dryRun` prints the diff. Returns the sources as they are after fixing.
 */
async function applyFixes(
  sources: Source[],
  config: AuditConfig,
  io: Io,
  dryRun: boolean,
): Promise<{ sources: Source[]; changed: number; audited: AuditResult | undefined }> {
  const { changed, fixed, refused, audited } = fixSources(sources, config);
  for (const file of refused) {
    io.stderr.write(
      `lameduck audit: left ${file} unchanged: a fix would have made it invalid YAML (please report this)\n`,
    );
  }
  await writeFixes(changed, io, dryRun);
  io.stderr.write(
    `lameduck audit: ${dryRun ? 'would fix' : 'fixed'} ${fixed} finding(s) in ${changed.size} file(s)\n`,
  );
  return {
    audited,
    changed: changed.size,
    sources: sources.map((s) => {
      const after = changed.get(s.file)?.after;
      return after === undefined ? s : { ...s, text: after };
    }),
  };
}
