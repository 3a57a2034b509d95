import Box from '@mui/material/Box';
import { useLanguage, useT } from '../lib/i18n/I18nProvider';
import { isLanguage, LANGUAGES, type Language } from '../lib/i18n/translate';

/**
 * A native <select>: keyboard- and screen-reader-friendly for free, and it keeps MUI's Select,
 * Menu and Popover out of the first download (the shell must stay small).
 */
export function LanguageSwitch({ onChange }: { onChange?: (language: Language) => void } = {}) {
  const t = useT();
  const [language, setBrowserLanguage] = useLanguage();
  const setLanguage = onChange ?? setBrowserLanguage;
  return (
    <Box
      component="select"
      aria-label={t('topBar.language')}
      value={language}
      onChange={(event) => {
        const value = (event.target as HTMLSelectElement).value;
        if (isLanguage(value)) setLanguage(value);
      }}
      sx={{
        font: 'inherit',
        fontSize: '0.875rem',
        color: 'text.primary',
        bgcolor: 'background.paper',
        border: 1,
        borderColor: 'divider',
        borderRadius: 1,
        px: 1,
        py: 0.5,
        cursor: 'pointer',
      }}
    >
      {LANGUAGES.map((option) => (
        <option key={option} value={option} lang={option}>
          {t(`language.${option}`)}
        </option>
      ))}
    </Box>
  );
}
