import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { JobCheckedResponse, JobPreviewRow, JobStatus } from '../../../../shared/api/jobs';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import type { BitLabeler } from '../../../entities/marks/model/bit-labels';

type CheckResultProps = {
  /** The upload's answer, when this browser uploaded the file (it alone lists lines and preview). */
  check: JobCheckedResponse | undefined;
  status: JobStatus;
  labeler: BitLabeler;
};

/** What the check found: counts, the refused lines with their reasons, and the first rows to be sent. */
export function CheckResult({ check, status, labeler }: CheckResultProps) {
  const t = useT();
  const format = useFormat();
  const rows = check?.rows ?? status.rows ?? status.total + (status.invalid ?? 0);
  const valid = check?.valid ?? status.total;
  const invalid = rows - valid;

  return (
    <Box>
      <Typography role="status" sx={{ fontWeight: 500 }} data-testid="check-summary">
        {t('bulk.checkSummary', { rows: format.number(rows), valid: format.number(valid), invalid: format.number(invalid) })}
      </Typography>
      {valid === 0 ? (
        <Alert severity="warning" sx={{ mt: 1 }}>
          {t('bulk.noValidRows')}
        </Alert>
      ) : invalid === 0 ? (
        <Typography variant="body2" color="text.secondary">
          {t('bulk.allValid')}
        </Typography>
      ) : null}
      {check ? (
        <>
          {check.invalid.length > 0 ? <InvalidLines check={check} invalid={invalid} /> : null}
          {check.preview.length > 0 ? <Preview rows={check.preview} valid={valid} labeler={labeler} /> : null}
        </>
      ) : invalid > 0 ? (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          {t('bulk.checkDetailsGone')}
        </Typography>
      ) : null}
    </Box>
  );
}

function InvalidLines({ check, invalid }: { check: JobCheckedResponse; invalid: number }) {
  const t = useT();
  const format = useFormat();
  return (
    <Box component="section" aria-labelledby="bulk-invalid-title" sx={{ mt: 2 }}>
      <Typography variant="subtitle1" component="h3" id="bulk-invalid-title">
        {t('bulk.invalidTitle', { count: format.number(invalid) })}
      </Typography>
      {/* Scrolls on its own; focusable so a keyboard can scroll it too. */}
      <Box
        component="ol"
        tabIndex={0}
        aria-labelledby="bulk-invalid-title"
        sx={{ listStyle: 'none', m: 0, p: 1, maxHeight: 240, overflowY: 'auto', border: 1, borderColor: 'divider', borderRadius: 1 }}
      >
        {check.invalid.map((row) => (
          <Box component="li" key={row.line} sx={{ py: 0.5, display: 'flex', gap: 1, alignItems: 'baseline' }}>
            <Typography component="span" variant="body2" sx={{ fontWeight: 600, whiteSpace: 'nowrap', minWidth: '5.5em', flexShrink: 0 }}>
              {t('bulk.invalidLine', { line: format.number(row.line) })}
            </Typography>
            <Typography component="span" variant="body2" sx={{ overflowWrap: 'anywhere' }}>
              {row.error}
            </Typography>
          </Box>
        ))}
      </Box>
      {invalid > check.invalid.length ? (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
          {t('bulk.invalidMore', { listed: format.number(check.invalid.length) })}
        </Typography>
      ) : null}
    </Box>
  );
}

function Preview({ rows, valid, labeler }: { rows: readonly JobPreviewRow[]; valid: number; labeler: BitLabeler }) {
  const t = useT();
  const format = useFormat();
  const bits = (list: readonly number[]) => (list.length === 0 ? t('bulk.noBits') : list.map(labeler.shortName).join(', '));
  return (
    <Box component="section" aria-labelledby="bulk-preview-title" sx={{ mt: 2 }}>
      <Typography variant="subtitle1" component="h3" id="bulk-preview-title">
        {t('bulk.previewTitle')}
      </Typography>
      {valid > rows.length ? (
        <Typography variant="body2" color="text.secondary">
          {t('bulk.previewMore', { shown: format.number(rows.length), valid: format.number(valid) })}
        </Typography>
      ) : null}
      <TableContainer sx={{ maxHeight: 320, border: 1, borderColor: 'divider', borderRadius: 1, mt: 0.5 }} tabIndex={0} aria-labelledby="bulk-preview-title" role="region">
        <Table size="small" stickyHeader aria-labelledby="bulk-preview-title">
          <TableHead>
            <TableRow>
              <TableCell>{t('bulk.col.line')}</TableCell>
              <TableCell>{t('bulk.col.chatUser')}</TableCell>
              <TableCell>{t('bulk.col.conversation')}</TableCell>
              <TableCell>{t('bulk.col.set')}</TableCell>
              <TableCell>{t('bulk.col.clear')}</TableCell>
              <TableCell>{t('bulk.col.customMark')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((row) => (
              <TableRow key={row.line}>
                <TableCell>{format.number(row.line)}</TableCell>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>{row.chatUser}</TableCell>
                <TableCell>
                  <Box component="span" sx={{ display: 'block', color: 'text.secondary', fontSize: '0.75rem' }}>
                    {t(row.conversation.type === 'group' ? 'type.group' : 'type.c2c')}
                  </Box>
                  <Box component="span" sx={{ whiteSpace: 'nowrap' }}>
                    {row.conversation.id}
                  </Box>
                </TableCell>
                <TableCell sx={{ minWidth: '8em' }}>{bits(row.setBits)}</TableCell>
                <TableCell sx={{ minWidth: '6em' }}>{bits(row.clearBits)}</TableCell>
                <TableCell sx={{ minWidth: '8em', overflowWrap: 'break-word' }}>
                  {row.customMark === undefined ? (
                    <Typography component="span" variant="body2" color="text.secondary">
                      {t('bulk.customMarkUnchanged')}
                    </Typography>
                  ) : row.customMark === '' ? (
                    t('bulk.customMarkCleared')
                  ) : (
                    t('bulk.quoted', { value: row.customMark })
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    </Box>
  );
}
