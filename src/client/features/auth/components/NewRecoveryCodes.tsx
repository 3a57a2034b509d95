import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { useT } from '../../../lib/i18n/I18nProvider';
import { useDescribeError } from '../../../lib/use-describe-error';
import { newRecoveryCodes } from '../api/identity';
import { RecoveryCodes } from './EnrolmentPanel';

/**
 * New recovery codes for an account with TOTP on (the codes written down are lost, or used up): asked
 * first, since the earlier codes stop working; the BFF may ask for a step-up (password and code),
 * which the API client's dialog takes. The new codes are shown this once, as after enrolment.
 */
export function NewRecoveryCodes() {
  const t = useT();
  const describeError = useDescribeError();
  const [asking, setAsking] = useState(false);
  const replace = useMutation({ mutationFn: newRecoveryCodes });
  if (replace.data) return <RecoveryCodes confirmed={replace.data} onDone={() => replace.reset()} />;
  const failure = replace.error ? describeError(replace.error) : null;
  return (
    <Stack spacing={1} sx={{ alignItems: 'flex-start' }}>
      {failure ? (
        <Alert severity="error" role="alert">
          {failure.sentence}
        </Alert>
      ) : null}
      <Button variant="outlined" onClick={() => setAsking(true)} loading={replace.isPending}>
        {t('account.newCodes')}
      </Button>
      {asking ? (
        <ConfirmDialog
          title={t('account.newCodesTitle')}
          body={t('account.newCodesBody')}
          confirmLabel={t('account.newCodesConfirm')}
          onConfirm={() => replace.mutate()}
          onClose={() => setAsking(false)}
        />
      ) : null}
    </Stack>
  );
}
