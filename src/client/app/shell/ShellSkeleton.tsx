import Box from '@mui/material/Box';
import Skeleton from '@mui/material/Skeleton';
import { PageSkeleton } from '../../components/PageSkeleton';

/** The frame's shape while the shell's code or the session loads. */
export function ShellSkeleton() {
  return (
    <Box>
      <Skeleton variant="rectangular" height={64} />
      <Box sx={{ display: 'flex' }}>
        <Box sx={{ width: 200, p: 1, display: { xs: 'none', md: 'block' } }}>
          {Array.from({ length: 4 }, (_, index) => (
            <Skeleton key={index} height={44} />
          ))}
        </Box>
        <Box sx={{ flexGrow: 1, p: 3 }}>
          <PageSkeleton />
        </Box>
      </Box>
    </Box>
  );
}
