import Button from '@mui/material/Button';
import { memo } from 'react';

/**
 * MUI's Button, memoised: given stable callbacks, plain text and constant icons, it is not rendered
 * again when its parent renders for something else (a selection change, a keystroke). MUI's own
 * Button is not memoised, and each render of it re-serialises its styles.
 */
export const StableButton = memo(Button);
