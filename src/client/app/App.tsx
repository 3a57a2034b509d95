import CssBaseline from '@mui/material/CssBaseline';
import Container from '@mui/material/Container';
import Typography from '@mui/material/Typography';

export function App() {
  return (
    <>
      <CssBaseline />
      <Container component="main" sx={{ py: 6 }}>
        <Typography variant="h4" component="h1">
          Markdesk
        </Typography>
        <Typography>Conversation marks for Tencent Cloud Chat.</Typography>
      </Container>
    </>
  );
}
