import type { ComponentType, LazyExoticComponent } from 'react';

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

export const buildRoutes: FeatureRoute[] = [];
