// Lets a component test see WHICH parts of a screen re-rendered (React's <Profiler>), without
// touching production behaviour: with no probe installed, <RenderProbe> renders its children only.
import { createContext, Profiler, useContext, type ProfilerOnRenderCallback, type ReactNode } from 'react';

export const RenderProbeContext = createContext<ProfilerOnRenderCallback | null>(null);

export function RenderProbe({ id, children }: { id: string; children: ReactNode }) {
  const onRender = useContext(RenderProbeContext);
  return onRender ? (
    <Profiler id={id} onRender={onRender}>
      {children}
    </Profiler>
  ) : (
    children
  );
}
