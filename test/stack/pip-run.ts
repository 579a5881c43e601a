// Runs the system's real pip (/usr/bin/python3 -m pip download) against the local stack, isolated from
// any pip configuration of this machine (config files and PIP_* variables), so it behaves like a default pip.
import { execFile } from 'node:child_process';
import { SYSTEM_PYTHON } from './packages.js';

export function pipEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('PIP_') || k === 'PYTHONPATH' || k === 'PYTHONHOME') continue;
    env[k] = v;
  }
  env.PIP_CONFIG_FILE = '/dev/null';
  env.PYTHONDONTWRITEBYTECODE = '1';
  return env;
}

/** `pip download` of one project, or with `-r FILE` (pass ['-r', FILE]) of a requirements file's projects. */
export function pipDownloadArgs(indexUrl: string, project: string | string[], destDir: string): string[] {
  return ['-m', 'pip', 'download', '--no-deps', '--no-cache-dir', '--disable-pip-version-check', '-d', destDir, '--index-url', indexUrl, ...(Array.isArray(project) ? project : [project])];
}

export function pipVersion(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(SYSTEM_PYTHON, ['-m', 'pip', '--version'], { env: pipEnv() }, (err, stdout) =>
      err ? reject(err) : resolve(stdout.split(' ')[1] ?? stdout.trim()),
    );
  });
}

export function pipDownload(indexUrl: string, project: string | string[], destDir: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(SYSTEM_PYTHON, pipDownloadArgs(indexUrl, project, destDir), { env: pipEnv(), timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`pip download ${project} from ${indexUrl} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}
