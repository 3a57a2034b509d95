import UploadFile from '@mui/icons-material/UploadFile';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { styled } from '@mui/material/styles';
import { useState, type DragEvent } from 'react';
import { useLanguage, useT } from '../../../lib/i18n/I18nProvider';
import { formatFileSize } from '../model/format';

type FileDropZoneProps = { file: File | null; onFile: (file: File) => void; disabled: boolean };

// Visually hidden but focusable: the real input keeps its accessible name and keyboard access,
// the label around it is what people see and click.
const HiddenFileInput = styled('input')({
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  clipPath: 'inset(50%)',
  whiteSpace: 'nowrap',
  margin: -1,
  padding: 0,
  border: 0,
});

/** The file input named `CSV file`, inside a zone a file can also be dropped on. */
export function FileDropZone({ file, onFile, disabled }: FileDropZoneProps) {
  const t = useT();
  const [language] = useLanguage();
  const [dragging, setDragging] = useState(false);

  const onDragOver = (event: DragEvent) => {
    if (disabled || !event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const dropped = event.dataTransfer.files[0];
    if (!disabled && dropped) onFile(dropped);
  };

  return (
    <Box
      onDragOver={onDragOver}
      onDragEnter={onDragOver}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      data-testid="csv-drop-zone"
      sx={{
        border: 2,
        borderStyle: 'dashed',
        borderColor: dragging ? 'primary.main' : 'divider',
        bgcolor: dragging ? 'action.hover' : 'transparent',
        borderRadius: 1,
        p: 2,
        display: 'flex',
        flexDirection: 'column',
        alignItems: 'center',
        gap: 1,
        textAlign: 'center',
      }}
    >
      <UploadFile color="action" fontSize="large" aria-hidden />
      <Typography>{dragging ? t('bulk.dropActive') : t('bulk.dropHere')}</Typography>
      <Button
        component="label"
        variant="outlined"
        disabled={disabled}
        // The input inside is the control; the label is only its visible face (no second tab stop).
        role={undefined}
        tabIndex={-1}
        sx={{ '&:has(input:focus-visible)': { outline: 2, outlineColor: 'primary.dark', outlineStyle: 'solid', outlineOffset: 2 } }}
      >
        {t('bulk.chooseFile')}
        <HiddenFileInput
          type="file"
          accept=".csv,text/csv"
          aria-label={t('bulk.fileInput')}
          aria-describedby="bulk-chosen-file"
          disabled={disabled}
          onChange={(event) => {
            const chosen = event.currentTarget.files?.[0];
            if (chosen) onFile(chosen);
            // The same file chosen again (after fixing it) must fire change again.
            event.currentTarget.value = '';
          }}
        />
      </Button>
      <Typography id="bulk-chosen-file" variant="body2" color={file ? 'text.primary' : 'text.secondary'} sx={{ overflowWrap: 'anywhere' }} aria-live="polite">
        {file ? t('bulk.fileChosen', { name: file.name, size: formatFileSize(file.size, language) }) : t('bulk.noFile')}
      </Typography>
    </Box>
  );
}
