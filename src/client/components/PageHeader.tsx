import Typography from '@mui/material/Typography';
import { focusSoon } from '../lib/focus';

/** The page's h1: where focus goes when an action removed the control that had it (see focusPageTitle). */
const PAGE_TITLE_ID = 'page-title';

/** Focus to the page's title, once the control that had it is gone (see focusSoon). */
export function focusPageTitle(): void {
  focusSoon(PAGE_TITLE_ID);
}

/** A page's one h1 and the sentence under it that says what the page is for. */
export function PageHeader({ title, intro }: { title: string; intro: string }) {
  return (
    <>
      <Typography variant="h4" component="h1" gutterBottom id={PAGE_TITLE_ID} tabIndex={-1} sx={{ outline: 'none' }}>
        {title}
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 2 }}>
        {intro}
      </Typography>
    </>
  );
}
