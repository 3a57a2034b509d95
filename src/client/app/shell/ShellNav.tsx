import Menu from '@mui/icons-material/Menu';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import { useTheme } from '@mui/material/styles';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useId, useState } from 'react';
import { useLocation } from 'react-router';
import { useT } from '../../lib/i18n/I18nProvider';
import { NavList } from './NavList';

/**
 * The page navigation: a column on wide screens (from 1536 px), a narrow rail of icons over their
 * names on laptops (900–1535 px, where the Marks page needs the width for its list and editor), a
 * row on tablets and, on a phone (under 600 px, e.g. 390 px), one "Menu" button that opens the
 * links; following a link closes it again.
 */
export function ShellNav({ isAdmin }: { isAdmin: boolean }) {
  const t = useT();
  const theme = useTheme();
  const phone = useMediaQuery(theme.breakpoints.down('sm'), { noSsr: true });
  const [open, setOpen] = useState(false);
  const listId = useId();
  const { pathname } = useLocation();
  // Following a link closes the menu (adjusted while rendering, as React advises, not in an effect).
  const [openedAt, setOpenedAt] = useState(pathname);
  if (openedAt !== pathname) {
    setOpenedAt(pathname);
    setOpen(false);
  }
  const collapsed = phone && !open;
  return (
    <Paper
      component="nav"
      aria-label={t('nav.label')}
      square
      elevation={0}
      sx={{ width: { md: 88, xl: 200 }, flexShrink: 0, p: 1, borderRight: { md: 1 }, borderBottom: { xs: 1, md: 0 }, borderColor: 'divider' }}
    >
      {phone ? (
        <Button startIcon={<Menu />} aria-expanded={open} aria-controls={listId} onClick={() => setOpen((was) => !was)} color="inherit">
          {t('nav.menu')}
        </Button>
      ) : null}
      <div id={listId} hidden={collapsed}>
        <NavList isAdmin={isAdmin} />
      </div>
    </Paper>
  );
}
