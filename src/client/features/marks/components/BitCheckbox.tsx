import { memo, useLayoutEffect, useRef } from 'react';
import { Glyph } from '../../../components/glyphs';
import { useEditorBit, type EditorStore } from '../model/editor-store';

type BitCheckboxProps = {
  store: EditorStore;
  bit: number;
  label: string;
  /** `{label} (bit N)`, exact: outside tests find the checkbox by it. */
  accessibleName: string;
  description: string | undefined;
  disabled: boolean;
  locked?: boolean;
};

/**
 * One bit of the grid: a native checkbox, styled once by the grid (BitGrid's `bitCellStyles`). It
 * subscribes to its own bit of the editor store, so a click re-renders this checkbox and the
 * summary, and a new selection re-renders only the boxes whose state differs.
 */
export const BitCheckbox = memo(function BitCheckbox({ store, bit, label, accessibleName, description, disabled, locked = false }: BitCheckboxProps) {
  const { value } = useEditorBit(store, bit);
  const input = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => {
    // A DOM property only: assistive technology announces it as "mixed".
    if (input.current) input.current.indeterminate = value === 'mixed';
  }, [value]);

  return (
    <label className="bit-cell" data-disabled={disabled || locked ? '' : undefined} data-locked={locked ? '' : undefined} title={description}>
      <input
        ref={input}
        type="checkbox"
        className="bit-box"
        name={`bit-${bit}`}
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
