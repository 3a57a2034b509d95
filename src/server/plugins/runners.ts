// The bulk job runner and the survey runner as Fastify plugins. Each is built once, with its
// ledger and logger, and stops in two steps: when closing begins (preClose, while the server
// drains its requests) it stops taking new work; when its turn comes to close, it waits for what
// was in flight — within the one shutdown deadline — before the ledger and the Chat client close.
// Jobs and surveys stay 'running' in the database, so the next start goes on with them.
import fp from 'fastify-plugin';
import { createSurveyRunner, type SurveyRunner } from '../insights/survey-runner';
import { createJobRunner, type JobRunner } from '../jobs/runner';
import type { ShutdownDeadline } from '../shutdown';
import { type Clock } from '../clock';

declare module 'fastify' {
  interface FastifyInstance {
    /** Runs bulk jobs; main.ts resumes the interrupted ones once listening. */
    jobs: JobRunner;
    /** Runs surveys (Insights); the interrupted ones go on once the app is ready. */
    surveys: SurveyRunner;
  }
}

export type RunnerPluginOptions = {
  clock: Clock;
  shutdown: ShutdownDeadline;
};

export const jobRunnerPlugin = fp<RunnerPluginOptions>(
  async (app, { clock, shutdown }) => {
    const runner = createJobRunner({ store: app.store, chat: app.chat, clock, ledger: app.ledger, log: app.log.child({ module: 'jobs' }) });
    app.decorate('jobs', runner);
    let stopping: Promise<void> | null = null;
    // No new lines from the moment closing begins; the calls in flight finish meanwhile.
    app.addHook('preClose', async () => {
      stopping ??= runner.stop({ timeoutMs: shutdown.remainingMs() });
    });
    app.addHook('onClose', async () => {
      await (stopping ?? runner.stop({ timeoutMs: shutdown.remainingMs() }));
    });
  },
  { name: 'markdesk-jobs', fastify: '5.x', dependencies: ['markdesk-store', 'markdesk-chat', 'markdesk-ledger'] },
);

export const surveyRunnerPlugin = fp<RunnerPluginOptions>(
  async (app, { clock, shutdown }) => {
    const runner = createSurveyRunner({ store: app.store, chat: app.chat, clock, log: app.log.child({ module: 'surveys' }) });
    app.decorate('surveys', runner);
    // Surveys that were running when the server stopped go on once it is ready.
    app.addHook('onReady', async () => runner.resumeInterrupted());
    let stopping: Promise<void> | null = null;
    app.addHook('preClose', async () => {
      stopping ??= shutdown.within(runner.stop());
    });
    app.addHook('onClose', async () => {
      await (stopping ?? shutdown.within(runner.stop()));
    });
  },
  { name: 'markdesk-surveys', fastify: '5.x', dependencies: ['markdesk-store', 'markdesk-chat'] },
);
