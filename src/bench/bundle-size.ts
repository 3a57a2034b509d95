import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * Gzipped size of the JavaScript a first visit loads: the entry script of index.html and every
 * module it preloads. Lazily loaded route chunks are not counted (they load on navigation).
 */
export function initialJavaScriptGzipBytes(distDir: string): { bytes: number; files: string[] } {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map((m) => m[1]!);
  const bytes = files.reduce((sum, file) => sum + gzipSync(readFileSync(join(distDir, file.replace(/^\//, '')))).length, 0);
  return { bytes, files };
}

type ManifestChunk = { file: string; isEntry?: boolean; imports?: string[]; dynamicImports?: string[] };
type Manifest = Record<string, ManifestChunk>;

/** The source modules whose chunks (and their static imports) a route loads, after the entry. */
export const ROUTE_MODULES = {
  '/sign-in': ['src/client/features/auth/components/SignInPage.tsx'],
  '/marks': ['src/client/app/shell/AppShell.tsx', 'src/client/app/routes/MarksPage.tsx'],
  '/marks with the editor': ['src/client/app/shell/AppShell.tsx', 'src/client/app/routes/MarksPage.tsx', 'src/client/features/marks/components/MarkEditor.tsx'],
  '/inspect': ['src/client/app/shell/AppShell.tsx', 'src/client/features/inspect/components/InspectPage.tsx'],
} as const;

export type RouteBytes = { route: string; files: number; raw: number; brotli: number; gzip: number };

/**
 * JavaScript bytes of each route as the server sends them (the build's .br and .gz files, else the
 * file itself), from the build's manifest: the entry, the one dictionary a visit loads (English),
 * the route's chunks and everything they import statically.
 */
export function routeJavaScriptBytes(distDir: string): RouteBytes[] {
  const manifest = JSON.parse(readFileSync(join(distDir, '../client-manifest.json'), 'utf8')) as Manifest;
  const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry === true);
  if (entry === undefined) throw new Error('the build manifest names no entry');
  const dictionary = Object.keys(manifest).find((key) => key.endsWith('lib/i18n/en.ts'));
  const closure = (roots: readonly string[]) => {
    const seen = new Set<string>();
    const pending = [...roots];
    while (pending.length > 0) {
      const key = pending.pop()!;
      if (seen.has(key) || manifest[key] === undefined) continue;
      seen.add(key);
      pending.push(...(manifest[key]!.imports ?? []));
    }
    return [...new Set([...seen].map((key) => manifest[key]!.file))];
  };
  const size = (file: string) => statSync(join(distDir, file)).size;
  const sizeOf = (file: string, suffix: string) => (existsSync(join(distDir, file + suffix)) ? size(file + suffix) : size(file));
  return Object.entries(ROUTE_MODULES).map(([route, modules]) => {
    // A page moved or renamed must not drop out of its route's figure unnoticed.
    const missing = modules.filter((module) => manifest[module] === undefined);
    if (missing.length > 0) throw new Error(`the build manifest has no chunk for ${missing.join(', ')} (${route}): update ROUTE_MODULES`);
    const files = closure([entry, ...(dictionary ? [dictionary] : []), ...modules]);
    return {
      route,
      files: files.length,
      raw: files.reduce((sum, file) => sum + size(file), 0),
      brotli: files.reduce((sum, file) => sum + sizeOf(file, '.br'), 0),
      gzip: files.reduce((sum, file) => sum + sizeOf(file, '.gz'), 0),
    };
  });
}
