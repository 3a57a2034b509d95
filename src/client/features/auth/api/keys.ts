/** Query keys of the auth feature (one factory per feature, so invalidations cannot drift). */
export const authKeys = {
  all: ['auth'] as const,
  session: () => [...authKeys.all, 'session'] as const,
};
