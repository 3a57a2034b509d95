import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';

/** The sign-in card's shape while its code arrives: painted at once, in the place the form will take. */
export function SignInSkeleton() {
  return (
    <Box sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', p: 2 }} aria-busy="true">
      <Paper variant="outlined" sx={{ p: 4, width: '100%', maxWidth: 420 }}>
        <Skeleton variant="text" width="60%" height={40} />
        <Skeleton variant="text" width="90%" />
        {[0, 1].map((field) => (
          <Skeleton key={field} variant="rounded" height={56} sx={{ mt: 2 }} />
        ))}
        <Skeleton variant="rounded" height={42} sx={{ mt: 2 }} />
      </Paper>
    </Box>
  );
}
