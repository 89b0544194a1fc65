import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

/**
 * Pages of the builds and review features. The app shell renders these beside the
 * designer; the builds feature owns this list.
 */
export interface FeatureRoute {
  path: string;
  component: LazyExoticComponent<ComponentType>;
  /** Shown in the top navigation when set. */
  navLabel?: string;
}

// Each page is its own chunk: the designer's first load pays for none of them.
export const buildRoutes: FeatureRoute[] = [
  { path: '/builds', component: lazy(() => import('@/features/builds/components/builds-list-page')), navLabel: 'Builds' },
  { path: '/builds/:id', component: lazy(() => import('@/app/routes/build-route')) },
  // before /review/:id, which would otherwise take "compare" for a build id
  { path: '/review/compare', component: lazy(() => import('@/features/review/components/compare-builds-page')) },
  { path: '/review/:id', component: lazy(() => import('@/features/review/components/spec-review-page')) },
];
