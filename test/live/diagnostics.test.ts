import { readFileSync } from 'node:fs';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalDiagnostics } from '../../src/live/diagnostics/local.js';
import { diagnosticsScript, splitSections } from '../../src/live/diagnostics/script.js';
import { SsmDiagnostics } from '../../src/live/diagnostics/ssm.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** What the diagnostics script prints on an instance, assembled from real captured command output. */
const scriptStdout = [
  '@@capsim-section vmstat rc=0',
  fixture('vmstat-1-3.txt'),
  '@@capsim-section free rc=0',
  fixture('free-m.txt'),
  '@@capsim-section mpstat rc=0',
  fixture('mpstat-1-2.txt'),
  '@@capsim-section nfs rc=0',
  `${fixture('mountstats-before.txt')}@@capsim-mountstats-after`,
  fixture('mountstats-after.txt'),
  '@@capsim-section docker rc=0',
  fixture('docker-stats-json.txt'),
].join('\n');

const trigger = { label: 'burst iteration 5', iteration: 5, atSeconds: 50 };

describe('diagnostics script', () => {
  it('runs every command bounded by timeout and marks sections', () => {
    const script = diagnosticsScript(5);
    expect(script).toContain('timeout 20 vmstat 1 6');
    expect(script).toContain('timeout 20 mpstat 1 5');
    expect(script).toContain('timeout 20 free -m');
    expect(script).toContain("docker stats --no-stream --format '{{json .}}'");
    const sections = splitSections(scriptStdout, 5);
    expect(Object.keys(sections)).toEqual(['vmstat', 'free', 'mpstat', 'nfs', 'docker']);
    expect(script).toContain('/proc/self/mountstats; sleep 5; echo @@capsim-mountstats-after;');
    expect(sections.free?.raw).toBe(fixture('free-m.txt'));
    expect(sections.vmstat?.exitCode).toBe(0);
  });
});

describe('LocalDiagnostics (runs the real commands on this machine)', () => {
  it('fills parsed CPU and memory figures and keeps the raw output', async () => {
    const collection = await new LocalDiagnostics({ sampleSeconds: 1 }).collect(trigger);
    expect(collection.source).toBe('local');
    const [host] = collection.hosts;
    expect(host.host).toBe('localhost');
    expect(host.parsed.cpu?.source).toBe('mpstat');
    const cpu = host.parsed.cpu!;
    expect(cpu.user + cpu.system + cpu.iowait + cpu.idle).toBeGreaterThan(90);
    expect(host.parsed.memory!.totalMb).toBeGreaterThan(100);
    expect(host.parsed.memory!.availableMb).toBeGreaterThan(0);
    expect(host.parsed.swap).not.toBeNull();
    expect(host.raw.vmstat?.raw).toMatch(/swpd/);
    // This machine has no NFS mount: the NFS counters are an empty list, not an error.
    expect(host.parsed.nfs).toEqual([]);
    // docker is either parsed or recorded as an error, never thrown
    if (host.parsed.containers === null) expect(host.errors.some((e) => e.startsWith('docker:'))).toBe(true);
  });

  it('records a killed script as an error instead of throwing', async () => {
    const collection = await new LocalDiagnostics({ sampleSeconds: 3, timeoutMs: 300 }).collect(trigger);
    expect(collection.hosts[0].errors.join('\n')).toMatch(/killed after 300 ms/);
    expect(collection.hosts[0].parsed.cpu).toBeNull();
  });
});

describe('SsmDiagnostics (aws-sdk-client-mock)', () => {
  const ssm = mockClient(SSMClient);
  const asg = mockClient(AutoScalingClient);
  afterEach(() => {
    ssm.reset();
    asg.reset();
  });

  const group = (ids: Array<[string, string]>) => ({
    AutoScalingGroups: [
      {
        AutoScalingGroupName: 'pypi-asg',
        MinSize: 1,
        MaxSize: 4,
        DesiredCapacity: ids.length,
        DefaultCooldown: 300,
        AvailabilityZones: ['eu-west-1a'],
        HealthCheckType: 'EC2',
        CreatedTime: new Date(),
        Instances: ids.map(([InstanceId, LifecycleState]) => ({
          InstanceId,
          LifecycleState: LifecycleState as 'InService',
          AvailabilityZone: 'eu-west-1a',
          HealthStatus: 'Healthy',
          ProtectedFromScaleIn: false,
        })),
      },
    ],
  });

  const collector = (extra: Partial<ConstructorParameters<typeof SsmDiagnostics>[0]> = {}) =>
    new SsmDiagnostics({
      asgName: 'pypi-asg',
      region: 'eu-west-1',
      sampleSeconds: 2,
      pollIntervalMs: 5,
      commandTimeoutMs: 2000,
      ssm: new SSMClient({ region: 'eu-west-1' }),
      autoScaling: new AutoScalingClient({ region: 'eu-west-1' }),
      ...extra,
    });

  it('lists in-service instances and parses each one after a slow command', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves(group([['i-aaa', 'InService'], ['i-bbb', 'InService'], ['i-ccc', 'Terminating']]));
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
    let polls = 0;
    ssm.on(GetCommandInvocationCommand).callsFake(async (input: { InstanceId: string }) => {
      polls += 1;
      if (polls === 1) {
        const error = new Error('invocation does not exist');
        error.name = 'InvocationDoesNotExist';
        throw error;
      }
      if (polls < 6) return { Status: 'InProgress', InstanceId: input.InstanceId };
      return { Status: 'Success', ResponseCode: 0, StandardOutputContent: scriptStdout, InstanceId: input.InstanceId };
    });
    const collection = await collector().collect(trigger);
    expect(collection.errors).toEqual([]);
    expect(collection.hosts.map((h) => h.host)).toEqual(['i-aaa', 'i-bbb']);
    const send = ssm.commandCalls(SendCommandCommand)[0].args[0].input;
    expect(send.DocumentName).toBe('AWS-RunShellScript');
    expect(send.InstanceIds).toEqual(['i-aaa', 'i-bbb']);
    expect(send.Parameters?.commands?.[0]).toContain('mpstat 1 2');
    for (const host of collection.hosts) {
      expect(host.errors).toEqual([]);
      expect(host.parsed.cpu).toMatchObject({ user: 1.25, system: 4.26, iowait: 1.25, idle: 93.23, source: 'mpstat' });
      expect(host.parsed.memory).toMatchObject({ availableMb: 23702, swapUsedMb: 0 });
      expect(host.parsed.containers?.[0]).toMatchObject({ name: 'nginx', cpuPercent: 0.03 });
      expect(host.parsed.nfs?.[0]).toMatchObject({ mountPoint: '/mnt/efs', fstype: 'nfs4', seconds: 5 });
      expect(host.parsed.nfs?.[0].ops.LOOKUP.ops).toBe(2847);
      expect(host.raw.free?.raw).toBe(fixture('free-m.txt'));
    }
    expect(polls).toBeGreaterThanOrEqual(6);
  });

  it('records a failed command with its exit code and still parses what it printed', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves(group([['i-aaa', 'InService']]));
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-2' } });
    const partial = scriptStdout.replace(/@@capsim-section docker rc=0[\s\S]*$/, '@@capsim-section docker rc=127\nbash: docker: command not found\n');
    ssm.on(GetCommandInvocationCommand).resolves({ Status: 'Failed', ResponseCode: 1, StandardOutputContent: partial, StandardErrorContent: 'bash: docker: command not found' });
    const collection = await collector().collect(trigger);
    const [host] = collection.hosts;
    expect(host.errors).toEqual(['SSM command Failed (exit 1): bash: docker: command not found', 'docker: command not found']);
    expect(host.parsed.cpu?.idle).toBe(93.23);
    expect(host.parsed.containers).toBeNull();
  });

  it('gives up on an instance that never finishes, recording a timeout', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves(group([['i-aaa', 'InService']]));
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-3' } });
    ssm.on(GetCommandInvocationCommand).resolves({ Status: 'InProgress' });
    const started = Date.now();
    const collection = await collector({ commandTimeoutMs: 150 }).collect(trigger);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(collection.hosts[0].errors[0]).toMatch(/SSM command timed out after 0 s \(last: status InProgress\)/);
    expect(collection.hosts[0].parsed.cpu).toBeNull();
  });

  it('records SendCommand and listing failures instead of throwing', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves(group([['i-aaa', 'InService']]));
    const denied = new Error('User is not authorized to perform ssm:SendCommand');
    denied.name = 'AccessDeniedException';
    ssm.on(SendCommandCommand).rejects(denied);
    const failed = await collector().collect(trigger);
    expect(failed.errors).toEqual(['SendCommand: AccessDeniedException: User is not authorized to perform ssm:SendCommand']);
    expect(failed.hosts[0].errors).toEqual(failed.errors);

    asg.reset();
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    const missing = await collector().collect(trigger);
    expect(missing.errors).toEqual(['listing instances: Auto Scaling group "pypi-asg" not found']);
    expect(missing.hosts).toEqual([]);
  });

  it('times out a hanging AWS call', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).callsFake(() => new Promise(() => undefined));
    const collection = await collector({ callTimeoutMs: 100 }).collect(trigger);
    expect(collection.errors[0]).toMatch(/^listing instances: /);
  });
});
