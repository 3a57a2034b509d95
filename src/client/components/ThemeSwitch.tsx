import DarkModeOutlined from '@mui/icons-material/DarkModeOutlined';
import LightModeOutlined from '@mui/icons-material/LightModeOutlined';
import IconButton from '@mui/material/IconButton';
import { useT } from '../lib/i18n/I18nProvider';
import { useThemeMode } from '../lib/theme-mode';

// A native title instead of MUI's Tooltip: Tooltip pulls Popper into the first download.
export function ThemeSwitch() {
  const t = useT();
  const { mode, toggleMode } = useThemeMode();
  const label = mode === 'dark' ? t('topBar.switchToLight') : t('topBar.switchToDark');
  return (
    <IconButton color="inherit" onClick={toggleMode} aria-label={label} title={label}>
      {mode === 'dark' ? <LightModeOutlined /> : <DarkModeOutlined />}
    </IconButton>
  );
}
