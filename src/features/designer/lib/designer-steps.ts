/** The designer's steps, in order; ids double as the step's URL-safe name. */
export const designerSteps = [
  { id: 'os', title: 'Base OS' },
  { id: 'runtime', title: 'Runtime' },
  { id: 'kubernetes', title: 'Kubernetes' },
  { id: 'packages', title: 'Packages' },
  { id: 'users', title: 'Users & access' },
  { id: 'node', title: 'Node settings' },
  { id: 'outputs', title: 'Outputs' },
  { id: 'review', title: 'Review' },
] as const;

export type DesignerStepId = (typeof designerSteps)[number]['id'];

/** The paths each step edits, so the step list can flag a step that holds an error. */
export const stepFieldPaths: Record<DesignerStepId, readonly (readonly string[])[]> = {
  os: [['metadata'], ['spec', 'os']],
  runtime: [['spec', 'runtime']],
  kubernetes: [['spec', 'kubernetes']],
  packages: [['spec', 'packages']],
  users: [['spec', 'users']],
  node: [
    ['spec', 'sysctl'],
    ['spec', 'kernelModules'],
    ['spec', 'kernelArgs'],
    ['spec', 'services'],
    ['spec', 'files'],
    ['spec', 'disk'],
    ['spec', 'verify'],
  ],
  outputs: [['spec', 'outputs']],
  review: [],
};
