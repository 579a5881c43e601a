/**
 * The piscina worker script of `capsim plan`: runs one ReplicationTask per
 * call. Loaded as compiled JS from dist/src/plan/worker.js (see pool.ts).
 */
import { runReplicationTask, type ReplicationTask, type ReplicationTaskResult } from './replication-task.js';

export default function runTask(task: ReplicationTask): ReplicationTaskResult {
  return runReplicationTask(task);
}
