import { expect, test } from '@playwright/test';

test('the built console opens and says what it is', async ({ page, request }) => {
  const health = await request.get('/api/health');
  expect(health.ok()).toBe(true);
  expect(await health.json()).toMatchObject({ status: 'ok' });

  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Markdesk' })).toBeVisible();
  await expect(page).toHaveTitle('Markdesk');
});
