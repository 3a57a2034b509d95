import ExpandLess from '@mui/icons-material/ExpandLess';
import ExpandMore from '@mui/icons-material/ExpandMore';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import type { Theme } from '@mui/material/styles';
import useMediaQuery from '@mui/material/useMediaQuery';
import { createContext, useContext, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';

/** Below the app bar (64 px) with a little air. */
const STICKY_TOP = 80;
const BOTTOM_GAP = 16;
/** The panel never gets shorter than this, however little of it is on screen. */
const MIN_HEIGHT = 320;

/**
 * Where the page wants the editor: the Marks page's right-hand column, which starts beside the Chat
 * user field, so on a 720 px window the panel has most of the window's height. Without one (a test
 * rendering the workspace alone) the panel stays where it is rendered.
 */
export const EditorSlot = createContext<HTMLElement | null>(null);

/** The element EditorSlot points at: `display: contents`, so the panel itself is the grid cell (and can stick). */
export function EditorSlotTarget({ onElement }: { onElement: (element: HTMLElement | null) => void }) {
  return <Box ref={onElement} sx={{ display: 'contents' }} />;
}

/**
 * Where the mark editor lives beside the list. Wide screens (lg, ≥ 1200 px): a side panel that
 * sticks below the app bar and scrolls on its own, as tall as the part of the window it is in, so
 * Save (pinned at the editor's bottom) is on screen without scrolling the page. Narrower: a bottom
 * sheet, a bar saying how many are selected with a button that opens and closes the editor; it opens
 * by itself when the first row is picked. The sheet sits in the page's flow (sticky at the bottom),
 * so at the end of the page it is below the list, never over its last rows. One tree for both, so
 * crossing the breakpoint never mounts the editor again.
 */
export function EditorPanel({ count, children }: { count: number; children: ReactNode }) {
  const t = useT();
  const format = useFormat();
  const bodyId = useId();
  const wide = useMediaQuery((theme: Theme) => theme.breakpoints.up('lg'), { noSsr: true });
  const panel = useRef<HTMLDivElement>(null);

  // Opens by itself when the first conversation is picked; after that the button decides.
  const [open, setOpen] = useState(count > 0);
  const [previousCount, setPreviousCount] = useState(count);
  if (previousCount !== count) {
    setPreviousCount(count);
    if (previousCount === 0 && count > 0) setOpen(true);
  }

  // Wide: the panel is as tall as the window below its top edge (which moves until it sticks). The
  // panel is read when it is fitted: it is rendered in place first and moved into the page's slot
  // once the slot exists, as a new element.
  useLayoutEffect(() => {
    if (!wide) return;
    let frame = 0;
    const fit = () => {
      frame = 0;
      const element = panel.current;
      if (!element) return;
      const top = Math.max(element.getBoundingClientRect().top, STICKY_TOP);
      element.style.setProperty('--editor-panel-height', `${Math.max(MIN_HEIGHT, window.innerHeight - top - BOTTOM_GAP)}px`);
    };
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(fit);
    };
    window.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', schedule);
    // Something above it grows or shrinks (a notice appears): its top moves without a scroll. The
    // observer also gives the first fit, in the frame after the browser's own first layout: reading
    // the panel's place as it mounts laid the whole page out on the spot (about 130 ms on a slow
    // laptop, before the first paint). Until then the panel is as tall as the window below the app
    // bar. Fitting in the observer's own callback could resize the body it observes, which the
    // browser reports as a ResizeObserver loop.
    if (typeof ResizeObserver === 'undefined') fit();
    const resized = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(schedule);
    resized?.observe(document.body);
    return () => {
      resized?.disconnect();
      window.removeEventListener('scroll', schedule);
      window.removeEventListener('resize', schedule);
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [wide]);

  const slot = useContext(EditorSlot);
  const content = (
    <Box ref={panel} sx={panelStyle} data-sheet-open={open ? '' : undefined} data-testid="editor-panel">
      <Box className="editor-sheet-bar">
        <Typography variant="subtitle2" component="p" sx={{ flexGrow: 1 }} aria-live="polite">
          {t('editor.title')} · {t('editor.sheetCount', { count: format.number(count) })}
        </Typography>
        <Button
          size="small"
          variant={open ? 'text' : 'contained'}
          onClick={() => setOpen(!open)}
          aria-expanded={open}
          aria-controls={bodyId}
          endIcon={open ? <ExpandMore /> : <ExpandLess />}
        >
          {open ? t('editor.sheetHide') : t('editor.sheetShow')}
        </Button>
      </Box>
      <Box className="editor-panel-body" id={bodyId}>
        {children}
      </Box>
    </Box>
  );
  // The same slot for the page's whole life: crossing the breakpoint never mounts the editor again.
  return slot ? createPortal(content, slot) : content;
}

const panelStyle = (theme: Theme) =>
  ({
    minWidth: 0,
    [theme.breakpoints.up('lg')]: {
      position: 'sticky',
      top: STICKY_TOP,
      maxHeight: `var(--editor-panel-height, calc(100vh - ${STICKY_TOP + BOTTOM_GAP}px))`,
      overflowY: 'auto',
      overscrollBehavior: 'contain',
      '& .editor-sheet-bar': { display: 'none' },
    },
    [theme.breakpoints.down('lg')]: {
      position: 'sticky',
      bottom: 0,
      zIndex: theme.zIndex.appBar - 1,
      mt: 2,
      // Out to the page's edges, like a sheet.
      mx: { xs: -2, md: -3 },
      bgcolor: 'background.paper',
      borderTop: 1,
      borderColor: 'divider',
      boxShadow: theme.shadows[8],
      '& .editor-sheet-bar': { display: 'flex', alignItems: 'center', gap: 1, px: 2, py: 1, minHeight: 52 },
      '& .editor-panel-body': { display: 'none', maxHeight: '60vh', overflowY: 'auto', overscrollBehavior: 'contain', px: { xs: 1, sm: 2 }, pb: 2 },
      '&[data-sheet-open] .editor-panel-body': { display: 'block' },
    },
  }) as const;
