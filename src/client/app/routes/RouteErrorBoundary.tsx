import { Component, type ReactNode } from 'react';
import { Outlet, useLocation } from 'react-router';
import { RouteErrorPage } from './RouteErrorPage';

type Props = { children: ReactNode; /** A new value clears a caught error: the next navigation renders the page again. */ resetKey?: string };
type State = { error: unknown; caught: boolean; resetKey: string | undefined };

/**
 * A route's error boundary: an error thrown while rendering what it holds shows RouteErrorPage in
 * its place. The router is used in its declarative form (BrowserRouter and useRoutes, a third of the
 * code of its data form, on every page's critical path), which has no `errorElement`; this is it.
 */
export class RouteErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, caught: false, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error, caught: true };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey === state.resetKey ? null : { error: null, caught: false, resetKey: props.resetKey };
  }

  override render() {
    return this.state.caught ? <RouteErrorPage error={this.state.error} /> : this.props.children;
  }
}

/** The boundary of the pages inside the frame: an error stays inside it, and navigating away clears it. */
export function PageErrorBoundary() {
  const location = useLocation();
  return (
    <RouteErrorBoundary resetKey={location.key}>
      <Outlet />
    </RouteErrorBoundary>
  );
}
