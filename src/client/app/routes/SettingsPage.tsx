import { ComingSoonPage } from './ComingSoonPage';
import { RequireAdmin } from './RequireAdmin';

export default function SettingsPage() {
  return (
    <RequireAdmin>
      <ComingSoonPage page="nav.settings" />
    </RequireAdmin>
  );
}
