// Runs Debian's real poetry (/usr/bin/poetry, 1.3) against the local stack only: a throwaway project whose one
// source is the stack's .../simple/ (default = true: no other index is asked), its own cache, virtualenv and
// no keyring, so nothing leaves loopback and nothing of this machine's poetry setup takes part.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POETRY } from './packages.js';

export interface PoetryProject {
  dir: string;
  env: NodeJS.ProcessEnv;
}

/** A project depending on `projects` (any version) from `indexUrl` (the stack's .../simple/) alone. */
export function poetryProject(indexUrl: string, projects: string[]): PoetryProject {
  const dir = mkdtempSync(join(tmpdir(), 'capsim-poetry-'));
  const deps = projects.map((p) => `${p} = "*"`).join('\n');
  writeFileSync(join(dir, 'pyproject.toml'), `[tool.poetry]
name = "capsim-probe"
version = "0.1.0"
description = "what poetry requests from an index"
authors = ["capsim <capsim@example.invalid>"]

[tool.poetry.dependencies]
python = "^3.11"
${deps}

[[tool.poetry.source]]
name = "local"
url = "${indexUrl}"
default = true

[build-system]
requires = ["poetry-core"]
build-backend = "poetry.core.masonry.api"
`);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('POETRY_') || k.startsWith('PIP_') || k === 'PYTHONPATH' || k === 'PYTHONHOME' || k === 'VIRTUAL_ENV') continue;
    env[k] = v;
  }
  Object.assign(env, {
    POETRY_CACHE_DIR: join(dir, 'cache'),
    POETRY_CONFIG_DIR: join(dir, 'config'),
    POETRY_VIRTUALENVS_IN_PROJECT: 'true',
    POETRY_NO_INTERACTION: '1',
    PYTHON_KEYRING_BACKEND: 'keyring.backends.null.Keyring',
    PIP_CONFIG_FILE: '/dev/null',
    PYTHONDONTWRITEBYTECODE: '1',
  });
  return { dir, env };
}

/** `poetry COMMAND...` in the project; rejects with poetry's output when it fails. */
export function poetry(project: PoetryProject, args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(POETRY, args, { cwd: project.dir, env: project.env, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`poetry ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

export function poetryVersion(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(POETRY, ['--version'], { env: { ...process.env, POETRY_NO_INTERACTION: '1' } }, (err, stdout) =>
      err ? reject(err) : resolve((/version ([\d.]+)/.exec(stdout) ?? [])[1] ?? stdout.trim()),
    );
  });
}
