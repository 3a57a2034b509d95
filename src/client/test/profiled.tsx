// Render counting for component tests, with React's own <Profiler> and nothing in production code:
// a test replaces a component module (vi.mock) by `profiled(Original, …)`, which renders the
// original inside a Profiler and logs each commit of its subtree as a mount or an update.
import { memo, Profiler, type ComponentType } from 'react';

export type RenderLog = { id: string; phase: 'mount' | 'update' | 'nested-update' }[];

/** `Component` memoised like the originals (all memo components with plain props), inside a Profiler named by `idOf`. */
export function profiled<Props extends object>(Component: ComponentType<Props>, idOf: (props: Props) => string, log: RenderLog): ComponentType<Props> {
  const Wrapped = memo(function Profiled(props: Props) {
    return (
      <Profiler id={idOf(props)} onRender={(id, phase) => log.push({ id, phase })}>
        <Component {...props} />
      </Profiler>
    );
  });
  return Wrapped as unknown as ComponentType<Props>;
}

/** The ids that rendered, each once, sorted; `phase` to count only mounts or updates. */
export function renderedIds(log: RenderLog, phase?: 'mount' | 'update'): string[] {
  return [...new Set(log.filter((entry) => phase === undefined || entry.phase === phase).map((entry) => entry.id))].sort();
}
