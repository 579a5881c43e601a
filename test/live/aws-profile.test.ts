import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AwsStateCollector } from '../../src/live/diagnostics/aws-state.js';
import { SsmDiagnostics } from '../../src/live/diagnostics/ssm.js';

/** validate --profile NAME: every AWS client resolves its credentials from that profile of ~/.aws. */
describe('--profile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capsim-aws-profile-'));
  const saved = { config: process.env.AWS_CONFIG_FILE, credentials: process.env.AWS_SHARED_CREDENTIALS_FILE, key: process.env.AWS_ACCESS_KEY_ID, profile: process.env.AWS_PROFILE };
  writeFileSync(join(dir, 'config'), '[default]\nregion = us-east-1\n[profile ci]\nregion = eu-west-1\n');
  writeFileSync(join(dir, 'credentials'), '[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n[ci]\naws_access_key_id = AKIDCIPROFILE\naws_secret_access_key = s2\n');
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_PROFILE;
  afterAll(() => {
    for (const [name, value] of [['AWS_CONFIG_FILE', saved.config], ['AWS_SHARED_CREDENTIALS_FILE', saved.credentials], ['AWS_ACCESS_KEY_ID', saved.key], ['AWS_PROFILE', saved.profile]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('the ELB, ECS, EC2, SSM and Auto Scaling clients take the named profile; without it the usual chain (here: default)', async () => {
    const named = new AwsStateCollector({ region: 'eu-west-1', profile: 'ci', cluster: 'c', service: 's' }) as unknown as Record<'elb' | 'ecs' | 'ec2', { config: { credentials: () => Promise<{ accessKeyId: string }> } }>;
    for (const client of [named.elb, named.ecs, named.ec2]) expect((await client.config.credentials()).accessKeyId).toBe('AKIDCIPROFILE');
    const ssm = new SsmDiagnostics({ asgName: 'a', region: 'eu-west-1', profile: 'ci', sampleSeconds: 1 }) as unknown as Record<'ssm' | 'autoScaling', { config: { credentials: () => Promise<{ accessKeyId: string }> } }>;
    for (const client of [ssm.ssm, ssm.autoScaling]) expect((await client.config.credentials()).accessKeyId).toBe('AKIDCIPROFILE');
    const plain = new AwsStateCollector({ region: 'eu-west-1', cluster: 'c', service: 's' }) as unknown as Record<'ecs', { config: { credentials: () => Promise<{ accessKeyId: string }> } }>;
    expect((await plain.ecs.config.credentials()).accessKeyId).toBe('AKIDDEFAULT');
  });
});
