import { Component, type ErrorInfo, type ReactNode } from 'react';

interface RouteErrorBoundaryProps {
  children: ReactNode;
  /** The address: a new one clears the error, so navigating away from a broken page works. */
  resetKey: string;
}

interface RouteErrorBoundaryState {
  error: Error | null;
  resetKey: string;
}

/**
 * Catches a page that throws while rendering (or whose chunk fails to load), so the
 * navigation stays usable and the reader sees what happened instead of a blank screen.
 */
export class RouteErrorBoundary extends Component<RouteErrorBoundaryProps, RouteErrorBoundaryState> {
  override state: RouteErrorBoundaryState = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<RouteErrorBoundaryState> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: RouteErrorBoundaryProps, state: RouteErrorBoundaryState): Partial<RouteErrorBoundaryState> | null {
    return props.resetKey === state.resetKey ? null : { error: null, resetKey: props.resetKey };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // the stack belongs in the console for whoever reports it, not on the page
    console.error('A page failed to render', error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <section className="page" role="alert" aria-labelledby="route-error-heading">
        <h1 id="route-error-heading">This page could not be shown</h1>
        <p>Something went wrong while showing it: {error.message || 'an unknown error'}.</p>
        <p>Your draft is kept. Reload the page to try again, or go back to the designer.</p>
        <p>
          <button type="button" className="st-button" onClick={() => window.location.reload()}>
            Reload the page
          </button>{' '}
          <a href="/">Open the designer</a>
        </p>
      </section>
    );
  }
}
