import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useState, type ComponentType } from 'react';
import { Route, Switch, useLocation } from 'wouter';
import { AppShell } from '@/app/app-shell';
import { buildRoutes } from '@/app/build-routes';
import { createQueryClient } from '@/app/query-client';
import { DesignerRoute } from '@/app/routes/designer-route';
import { NotFoundRoute } from '@/app/routes/not-found-route';
import { RouteErrorBoundary } from '@/components/route-error-boundary';

export interface AppRoute {
  path?: string;
  component: ComponentType;
}

const appRoutes: AppRoute[] = [
  { path: '/', component: DesignerRoute },
  ...buildRoutes,
  { path: '/audit', component: lazy(() => import('@/features/access/components/audit-log-page')) },
  { path: '/tokens', component: lazy(() => import('@/features/access/components/access-tokens-page')) },
  { path: '/workers', component: lazy(() => import('@/features/workers/components/workers-page')) },
  { component: NotFoundRoute },
];

/** Each route behind its own error boundary, so one broken page leaves the shell and the others working. */
export function AppRoutes({ routes = appRoutes }: { routes?: readonly AppRoute[] }) {
  const [location] = useLocation();
  return (
    <Switch>
      {routes.map(({ path, component: Page }) => (
        <Route key={path ?? '*'} path={path}>
          <RouteErrorBoundary resetKey={location}>
            <Suspense fallback={<p role="status">Loading…</p>}>
              <Page />
            </Suspense>
          </RouteErrorBoundary>
        </Route>
      ))}
    </Switch>
  );
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <AppShell>
        <AppRoutes />
      </AppShell>
    </QueryClientProvider>
  );
}
