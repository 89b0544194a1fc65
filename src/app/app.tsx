import { QueryClientProvider } from '@tanstack/react-query';
import { Suspense, useState } from 'react';
import { Route, Switch } from 'wouter';
import { AppShell } from '@/app/app-shell';
import { buildRoutes } from '@/app/build-routes';
import { createQueryClient } from '@/app/query-client';
import { DesignerRoute } from '@/app/routes/designer-route';
import { NotFoundRoute } from '@/app/routes/not-found-route';

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <AppShell>
        <Suspense fallback={<p role="status">Loading…</p>}>
          <Switch>
            <Route path="/" component={DesignerRoute} />
            {buildRoutes.map((route) => (
              <Route key={route.path} path={route.path} component={route.component} />
            ))}
            <Route component={NotFoundRoute} />
          </Switch>
        </Suspense>
      </AppShell>
    </QueryClientProvider>
  );
}
