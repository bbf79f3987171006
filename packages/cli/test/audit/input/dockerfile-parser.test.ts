import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDockerfile } from '../../../src/audit/input/dockerfile-parser.ts';

test('Dockerfile parsing: final stage only, continuations, exec vs shell form, invalid JSON is shell form', () => {
  const text = `# syntax=docker/dockerfile:1
FROM node:20 AS build
CMD ["npm", "run", "build"]

FROM gcr.io/distroless/nodejs20
COPY --from=build /app /app
ENTRYPOINT ["node", \\
  "/app/server.js"]
CMD ['--port', '8080']
`;
  const file = parseDockerfile({ file: 'Dockerfile', text, type: 'dockerfile' });
  const keywords = file.finalStage.map((i) => i.keyword);
  assert.deepEqual(keywords, ['FROM', 'COPY', 'ENTRYPOINT', 'CMD']);
  const entry = file.finalStage[2];
  assert.deepEqual(entry?.exec, ['node', '/app/server.js']);
  assert.deepEqual(entry?.position, { line: 7, column: 1 });
  assert.equal(file.finalStage[3]?.exec, undefined, 'single quotes are not JSON: shell form');
});
