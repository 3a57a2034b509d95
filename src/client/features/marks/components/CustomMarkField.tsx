import GlobalStyles from '@mui/material/GlobalStyles';
import { memo, useCallback } from 'react';
import { customMarkRequestSchema } from '../../../../shared/api/marks';
import { customMarkSchema } from '../../../../shared/marks/schemas';
import { isCustomMarkTooLong, utf8ByteLength } from '../../../../shared/marks/utf8';
import { plainFieldStyles } from '../../../components/plain-field-styles';
import { StableButton } from '../../../components/StableButton';
import { useT } from '../../../lib/i18n/I18nProvider';
import { useEditorCustomMark, type EditorStore } from '../model/editor-store';

const HELP_ID = 'custom-mark-help';

/**
 * The custom mark with its live UTF-8 byte counter (`한국어` is 9 bytes). The counter, the error and
 * the Save button all use the domain's utf8ByteLength / customMarkSchema, so they cannot disagree.
 * A plain labelled textarea of two rows, styled once: it renders on every keystroke, and MUI's text
 * field re-serialised the styles of its six parts each time (its `multiline` one also measured the
 * page's layout after every render).
 */
export const CustomMarkField = memo(function CustomMarkField({ store, disabled }: { store: EditorStore; disabled: boolean }) {
  const t = useT();
  const { value, edited, original } = useEditorCustomMark(store);
  const mixed = original.kind === 'mixed';
  const untouchedMixed = mixed && !edited;
  const changed = mixed ? edited : value !== original.value;

  const bytes = utf8ByteLength(value);
  const tooLong = isCustomMarkTooLong(value);
  // What Chat holds is shown as it is (it may hold a control character); what is typed must be
  // text the request accepts.
  const invalid = !customMarkSchema.safeParse(value).success || (changed && !customMarkRequestSchema.safeParse(value).success);
  const message = tooLong ? t('editor.customMarkTooLong') : invalid ? t('text.unstorable') : untouchedMixed ? t('editor.customMarkMixedHelp') : '';

  // Stable, so the two buttons are not rendered again by each keystroke.
  const clear = useCallback(() => store.setCustomMark('', store.customMark().original.kind === 'mixed'), [store]);
  const leaveUnchanged = useCallback(() => {
    const { original: held } = store.customMark();
    store.setCustomMark(held.kind === 'same' ? held.value : '', false);
  }, [store]);

  return (
    <div className="custom-mark">
      <CustomMarkStyles />
      <div className="field field-floating" data-error={invalid ? '' : undefined}>
        <label htmlFor="custom-mark">{t('editor.customMark')}</label>
        <textarea
          id="custom-mark"
          name="customMark"
          rows={2}
          value={value}
          onChange={(event) => store.setCustomMark(event.target.value, mixed)}
          disabled={disabled}
          placeholder={untouchedMixed ? t('editor.customMarkMixed') : undefined}
          aria-invalid={invalid}
          aria-describedby={HELP_ID}
        />
        <span id={HELP_ID} className="field-help">
          <span>{message}</span>
          <span className="field-count" data-testid="custom-mark-bytes">
            {t('editor.customMarkBytes', { bytes })}
          </span>
        </span>
      </div>
      {disabled ? null : (
        <div className="custom-mark-actions">
          <StableButton size="small" onClick={clear} disabled={value === '' && !untouchedMixed}>
            {t('editor.clearCustomMark')}
          </StableButton>
          {changed ? (
            <StableButton size="small" onClick={leaveUnchanged}>
              {t('editor.keepCustomMark')}
            </StableButton>
          ) : null}
        </div>
      )}
    </div>
  );
});

/** The field's styles, written once (per theme) under its class, not on every keystroke. */
const CustomMarkStyles = memo(function CustomMarkStyles() {
  return (
    <GlobalStyles
      styles={(theme) => ({ '.custom-mark': theme.unstable_sx({ ...plainFieldStyles(theme), '& .custom-mark-actions': { display: 'flex', gap: 1, mt: 0.5 } }) })}
    />
  );
});
