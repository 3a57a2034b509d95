// A small toast area: anything can push a message; one shows at a time, in order. Errors carry the
// request id so the agent can quote it.
import Alert from '@mui/material/Alert';
import Snackbar from '@mui/material/Snackbar';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { useT } from '../lib/i18n/I18nProvider';

export type Toast = { message: string; severity?: 'success' | 'info' | 'warning' | 'error'; requestId?: string | null };

type QueuedToast = Toast & { id: number };

const ToastContext = createContext<((toast: Toast) => void) | null>(null);

let nextToastId = 1;

export function ToastProvider({ children }: { children: ReactNode }) {
  const t = useT();
  const [queue, setQueue] = useState<QueuedToast[]>([]);
  const [open, setOpen] = useState(true);
  const current = queue[0];

  const push = useCallback((toast: Toast) => {
    setQueue((existing) => [...existing, { ...toast, id: nextToastId++ }]);
    setOpen(true);
  }, []);

  const close = useCallback((_event?: unknown, reason?: string) => {
    if (reason === 'clickaway') return;
    setOpen(false);
  }, []);

  const showNext = useCallback(() => {
    setQueue((existing) => existing.slice(1));
    setOpen(true);
  }, []);

  const value = useMemo(() => push, [push]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <Snackbar
        key={current?.id}
        open={current !== undefined && open}
        autoHideDuration={current?.severity === 'error' ? 12_000 : 6_000}
        onClose={close}
        slotProps={{ transition: { onExited: showNext } }}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}
      >
        {current ? (
          <Alert severity={current.severity ?? 'info'} onClose={close} variant="filled" closeText={t('toast.close')}>
            {current.message}
            {current.requestId ? ` ${t('error.requestId', { requestId: current.requestId })}` : null}
          </Alert>
        ) : undefined}
      </Snackbar>
    </ToastContext.Provider>
  );
}

export function useToast(): (toast: Toast) => void {
  const push = useContext(ToastContext);
  if (!push) throw new Error('useToast needs a <ToastProvider> above it.');
  return push;
}
