import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  nativeSleep,
  parseKubeVersion,
  versionText,
} from '../../../src/audit/model/kube-version.ts';
import { LameduckError } from '../../../src/core/errors.ts';

test('--kube-version accepts 1.30, v1.30 and 1.30.2; anything else is a usage error naming the flag', () => {
  assert.deepEqual(parseKubeVersion('1.30'), { major: 1, minor: 30 });
  assert.deepEqual(parseKubeVersion('v1.29.3'), { major: 1, minor: 29 });
  assert.equal(versionText(parseKubeVersion(' 1.31 ')), '1.31');
  assert.throws(
    () => parseKubeVersion('latest'),
    (error: unknown) =>
      error instanceof LameduckError &&
      error.code === 'ERR_LAMEDUCK_USAGE' &&
      error.exitCode === 2 &&
      /--kube-version expects a Kubernetes version such as 1\.30 \(1\.x\), got "latest"/.test(
        error.message,
      ),
  );
});

test('--kube-version refuses versions Kubernetes never had (2.0, 0.9, 1.100)', () => {
  for (const text of ['2.0', '0.9', '1.100', '1'])
    assert.throws(() => parseKubeVersion(text), /--kube-version expects/, text);
});

test('the native preStop sleep action is there from 1.30 on', () => {
  assert.equal(nativeSleep({ major: 1, minor: 29 }), false);
  assert.equal(nativeSleep({ major: 1, minor: 30 }), true);
  assert.equal(nativeSleep({ major: 1, minor: 33 }), true);
});
