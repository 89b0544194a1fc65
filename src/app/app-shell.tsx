import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { buildRoutes } from '@/app/build-routes';
import { AccountMenu } from '@/features/access/components/account-menu';
import { SignInGate } from '@/features/access/components/sign-in-gate';

const navItems = [
  { path: '/', label: 'Designer' },
  ...buildRoutes.flatMap((r) => (r.navLabel ? [{ path: r.path, label: r.navLabel }] : [])),
  { path: '/workers', label: 'Workers' },
];

const isActive = (location: string, path: string) => (path === '/' ? location === '/' : location === path || location.startsWith(`${path}/`));

export function AppShell({ children }: { children: ReactNode }) {
  const [location] = useLocation();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link href="/" className="app-header__brand">
          <img src="/favicon.svg" alt="" width={24} height={24} />
          Stamper
        </Link>
        <nav aria-label="Main">
          <ul className="app-nav">
            {navItems.map((item) => (
              <li key={item.path}>
                <Link href={item.path} className="app-nav__link" aria-current={isActive(location, item.path) ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <AccountMenu />
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        <SignInGate>{children}</SignInGate>
      </main>
    </div>
  );
}
