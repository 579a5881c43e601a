import type { FlowStep } from '../scenario/flows.js';

/** Path (relative to the target root, no leading "/") of a step named after the project. */
export function stepPath(step: FlowStep, project: string): string {
  switch (step.source) {
    case 'project-root':
      return `${project}/`;
    case 'project-simple':
      return `simple/${project}/`;
    case 'constructed-wheel':
    case 'link-from-page':
      throw new Error(`a ${step.source} step has no path of its own: it fetches the picked file`);
  }
}
