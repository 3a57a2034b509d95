import BookmarksOutlined from '@mui/icons-material/BookmarksOutlined';
import HistoryOutlined from '@mui/icons-material/HistoryOutlined';
import InsightsOutlined from '@mui/icons-material/InsightsOutlined';
import PlaylistAddCheckOutlined from '@mui/icons-material/PlaylistAddCheckOutlined';
import SettingsOutlined from '@mui/icons-material/SettingsOutlined';
import VisibilityOutlined from '@mui/icons-material/VisibilityOutlined';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import type { ComponentType } from 'react';
import { NavLink, useLocation } from 'react-router';
import { useT } from '../../lib/i18n/I18nProvider';
import type { PlainMessageKey } from '../../lib/i18n/translate';

/** `withUser`: the page looks at one Chat user (`?user=`), and the link keeps the one looked at. */
type NavEntry = { to: string; label: PlainMessageKey; Icon: ComponentType; adminOnly?: boolean; withUser?: boolean };

const ENTRIES: readonly NavEntry[] = [
  { to: '/marks', label: 'nav.marks', Icon: BookmarksOutlined, withUser: true },
  { to: '/inspect', label: 'nav.inspect', Icon: VisibilityOutlined, withUser: true },
  { to: '/history', label: 'nav.history', Icon: HistoryOutlined },
  { to: '/bulk', label: 'nav.bulk', Icon: PlaylistAddCheckOutlined },
  { to: '/insights', label: 'nav.insights', Icon: InsightsOutlined },
  { to: '/settings', label: 'nav.settings', Icon: SettingsOutlined, adminOnly: true },
];

// In the rail (md to xl, see ShellNav) each link is its icon over its name, in small type.
const linkStyle = { borderRadius: 1, flexDirection: { md: 'column', xl: 'row' }, px: { md: 0.5, xl: 2 }, '&.active': { bgcolor: 'action.selected', fontWeight: 600 } } as const;
const iconStyle = { minWidth: { md: 0, xl: 36 } } as const;
const textStyle = { my: { md: 0.25, xl: 0.5 }, textAlign: { md: 'center', xl: 'left' }, '& .MuiListItemText-primary': { fontSize: { md: '0.75rem', xl: '1rem' }, fontWeight: 'inherit' } } as const;

/** The Chat user the current page looks at, when it is one of the pages that look at one. */
function currentChatUser(pathname: string, search: string): string | null {
  if (!ENTRIES.some((entry) => entry.withUser && entry.to === pathname)) return null;
  return new URLSearchParams(search).get('user')?.trim() || null;
}

/**
 * Links named exactly Marks, Inspect, History, Bulk, Insights and (admins only) Settings. From
 * Marks to Inspect and back, the Chat user on screen comes along: a support agent checking what a
 * customer's marks do should not have to type the ID again.
 */
export function NavList({ isAdmin }: { isAdmin: boolean }) {
  const t = useT();
  const { pathname, search } = useLocation();
  const chatUser = currentChatUser(pathname, search);
  return (
    <List component="ul" disablePadding sx={{ display: 'flex', flexDirection: { xs: 'row', md: 'column' }, flexWrap: 'wrap', gap: 0.5 }}>
      {ENTRIES.filter((entry) => isAdmin || !entry.adminOnly).map(({ to, label, Icon, withUser }) => (
        <li key={to}>
          <ListItemButton
            component={NavLink}
            to={withUser && chatUser ? { pathname: to, search: `?${new URLSearchParams({ user: chatUser })}` } : to}
            sx={linkStyle}
          >
            <ListItemIcon sx={iconStyle} aria-hidden>
              <Icon />
            </ListItemIcon>
            <ListItemText primary={t(label)} sx={textStyle} />
          </ListItemButton>
        </li>
      ))}
    </List>
  );
}
