import { act, render, screen } from '@testing-library/react';
import { Suspense, type ComponentType } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { preloadable } from './preloadable';

const Page = () => <p>the page</p>;

/** A module load the test settles by hand. */
function gatedLoad() {
  let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const load = vi.fn(
    () =>
      new Promise<{ default: typeof Page }>((resolve, reject) => {
        settle = { resolve: () => resolve({ default: Page }), reject };
      }),
  );
  return { load, settle: () => settle! };
}

function renderInBoundary(Component: ComponentType) {
  return render(
    <Suspense fallback={<p>loading</p>}>
      <Component />
    </Suspense>,
  );
}

describe('preloadable', () => {
  it('renders a page whose code has arrived in the same pass: its fallback never shows', async () => {
    const { load, settle } = gatedLoad();
    const page = preloadable(load);
    const preloaded = page.preload();
    settle().resolve();
    await preloaded;

    // render() commits synchronously: a suspended page would show "loading" here.
    renderInBoundary(page.Component);
    expect(screen.getByText('the page')).toBeInTheDocument();
    expect(screen.queryByText('loading')).toBeNull();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('shows the fallback while the code is on its way, then the page, loading it once', async () => {
    const { load, settle } = gatedLoad();
    const page = preloadable(load);
    void page.preload();
    renderInBoundary(page.Component);
    expect(screen.getByText('loading')).toBeInTheDocument();

    await act(async () => settle().resolve());
    expect(await screen.findByText('the page')).toBeInTheDocument();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('loads again after a failed preload', async () => {
    const { load, settle } = gatedLoad();
    const page = preloadable(load);
    const first = page.preload();
    settle().reject(new Error('network'));
    await expect(first).rejects.toThrow('network');

    const second = page.preload();
    settle().resolve();
    await second;
    expect(load).toHaveBeenCalledTimes(2);
    renderInBoundary(page.Component);
    expect(screen.getByText('the page')).toBeInTheDocument();
  });
});
