/**
 * The model's file-server operations per HTTP request of a flow on a
 * repository, with a page cache that holds the whole working set (the
 * no-pressure case: only attribute-cache revalidation and directory listings
 * go to the server). `capsim validate` prints it beside the NFS counters it
 * measured, so a calibration's storage parameters can be checked against them.
 */
import { FLOWS, type FlowName } from '../scenario/flows.js';
import type { Repository } from '../scenario/types.js';
import { ModelUnits, type ModelParameters } from './parameters.js';
import { serviceDemand } from './service-demand.js';
import { serviceCosts, storageOptions } from './stack.js';
import { Storage, type StorageKind } from './storage.js';

export function expectedServerOpsPerRequest(flow: FlowName, repository: Repository, storage: StorageKind, params: ModelParameters): number {
  const u = new ModelUnits(params);
  const kinds = FLOWS[flow].steps.flatMap((step) => step.requests);
  const files = new Storage(storageOptions(storage, u));
  const costs = serviceCosts(u);
  const total = kinds.reduce((sum, kind) => sum + files.expectedServerOps(serviceDemand(kind, repository, costs), 1), 0);
  return total / kinds.length;
}
