import { memo, useLayoutEffect, useRef } from 'react';
import { Glyph } from '../../../components/glyphs';
import { useEditorBit, type EditorStore } from '../model/editor-store';
import { releaseTabStop } from './bit-grid-focus';

type BitCheckboxProps = {
  store: EditorStore;
  bit: number;
  label: string;
  /** `{label} (bit N)`, exact: outside tests find the checkbox by it. */
  accessibleName: string;
  description: string | undefined;
  disabled: boolean;
  locked?: boolean;
  /**
   * The grid folds this bit away (an unnamed custom bit while "Show all custom bits" is off). It
   * stays in the page, hidden, and shows itself while it is set in the selection or touched.
   */
  folded?: boolean;
};

/**
 * One bit of the grid: a native checkbox, styled once by the grid (BitGrid's `bitCellStyles`). It
 * subscribes to its own bit of the editor store, so a click re-renders this checkbox and the
 * summary, and a new selection re-renders only the boxes whose state differs.
 */
export const BitCheckbox = memo(function BitCheckbox({ store, bit, label, accessibleName, description, disabled, locked = false, folded = false }: BitCheckboxProps) {
  const { value, original } = useEditorBit(store, bit);
  const input = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => {
    // A DOM property only: assistive technology announces it as "mixed".
    if (input.current) input.current.indeterminate = value === 'mixed';
  }, [value]);
  const hidden = folded && value === 'off' && original === 'off';
  useLayoutEffect(() => {
    if (hidden && input.current) releaseTabStop(input.current);
  }, [hidden]);

  return (
    <label
      className="bit-cell"
      data-disabled={disabled || locked ? '' : undefined}
      data-locked={locked ? '' : undefined}
      title={description}
      hidden={hidden}
    >
      <input
        ref={input}
        type="checkbox"
        className="bit-box"
        name={`bit-${bit}`}
        // The grid is one tab stop: BitGrid makes one box 0 and moves it with the arrow keys.
        tabIndex={-1}
        aria-label={accessibleName}
        checked={value === 'on'}
        disabled={disabled || locked}
        onChange={() => store.toggle(bit)}
      />
      {locked ? <Glyph name="lock" className="bit-lock" /> : null}
      <span className="bit-label">{label}</span>
      <span className="bit-index" aria-hidden>
        {bit}
      </span>
    </label>
  );
});
