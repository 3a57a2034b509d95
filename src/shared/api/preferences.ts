// A person's own preferences, kept on the server so they follow them from browser to browser
// (docs/http-api.md, Endpoints: GET and PUT /api/preferences).
import { z } from 'zod/mini';

export const UI_LANGUAGES = ['en', 'ko', 'zh-CN'] as const;
export const uiLanguageSchema = z.enum(UI_LANGUAGES, { error: `The language is one of ${UI_LANGUAGES.join(', ')}.` });
export type UiLanguage = z.infer<typeof uiLanguageSchema>;

/** GET /api/preferences; language is null until the person picks one. */
export const preferencesSchema = z.object({ language: z.nullable(uiLanguageSchema) });
export type Preferences = z.infer<typeof preferencesSchema>;

/** PUT /api/preferences */
export const preferencesUpdateSchema = z.strictObject({ language: uiLanguageSchema });
export type PreferencesUpdate = z.infer<typeof preferencesUpdateSchema>;
