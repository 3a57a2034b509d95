/**
 * Moves focus to the element with `id` in the next frame: after React has removed the control that
 * had it, and after a closing dialog has tried to give focus back to that control. Without it the
 * keyboard's place falls to the page's body.
 */
export function focusSoon(id: string): void {
  requestAnimationFrame(() => document.getElementById(id)?.focus());
}
