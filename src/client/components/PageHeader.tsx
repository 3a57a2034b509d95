import Typography from '@mui/material/Typography';

/** A page's one h1 and the sentence under it that says what the page is for. */
export function PageHeader({ title, intro }: { title: string; intro: string }) {
  return (
    <>
      <Typography variant="h4" component="h1" gutterBottom>
        {title}
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 2 }}>
        {intro}
      </Typography>
    </>
  );
}
