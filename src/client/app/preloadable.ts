import { lazy, type ComponentType } from 'react';

type PageModule = { default: ComponentType };

export type Preloadable = {
  /** The page's component, rendered in place once its code has arrived. */
  Component: ComponentType;
  /** Starts the download (once; again after a failure) and settles when the code has arrived. */
  preload: () => Promise<PageModule>;
};

/**
 * React.lazy for code that may be on its way or already here. React.lazy calls its factory on the
 * first render, and a fresh `import()` promise is never settled at that moment, even for a module
 * that has arrived: the component suspends once, its Suspense boundary shows the fallback, and
 * React then holds the content back until 300 ms after the fallback appeared (so that it does not
 * flash in and out). Here a module that has arrived is handed over synchronously, through a
 * thenable that calls back at once, so it renders in the same pass.
 */
export function preloadable(load: () => Promise<PageModule>): Preloadable {
  let loaded: PageModule | undefined;
  let pending: Promise<PageModule> | undefined;
  const preload = () =>
    (pending ??= load().then(
      (module) => (loaded = module),
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    ));
  const arrived = (module: PageModule) => ({ then: (resolve: (value: PageModule) => void) => resolve(module) }) as unknown as Promise<PageModule>;
  const Component = lazy(() => (loaded ? arrived(loaded) : preload()));
  return { Component, preload };
}
