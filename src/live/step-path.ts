import type { FlowStep } from '../scenario/flows.js';
import { wheelFileName } from './package-names.js';

/** Path (relative to the target root, no leading "/") of a step with a fixed path. */
export function stepPath(step: FlowStep, project: string, version: string): string {
  switch (step.source) {
    case 'project-root':
      return `${project}/`;
    case 'project-simple':
      return `simple/${project}/`;
    case 'constructed-wheel':
      return `packages/${wheelFileName(project, version)}`;
    case 'link-from-page':
      throw new Error('a link-from-page step has no fixed path');
  }
}
