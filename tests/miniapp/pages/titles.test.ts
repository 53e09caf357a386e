// Page titles: app.json's default is neutral, and every page sets its own in the shopper's language.
import * as fs from 'fs';
import * as path from 'path';
import { createRuntime, FakeBackend, PROJECT_ROOT } from '../harness';
import type { MiniRuntime } from '../harness';

const appJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'app.json'), 'utf8')) as {
  pages: string[];
  window: { defaultTitle?: string };
};

let rt: MiniRuntime | null = null;
afterEach(() => {
  rt?.dispose();
  rt = null;
});

it('app.json shows no title in one language before a page sets its own', () => {
  expect(appJson.window.defaultTitle).toBe('');
});

it.each(appJson.pages)('%s sets its title on load, in Chinese on a Chinese phone', async (route) => {
  const runtime = createRuntime({ language: 'zh-Hans', responder: new FakeBackend().responder });
  rt = runtime;
  runtime.launch(`/${route}`);
  await runtime.settle();
  const titles = runtime.fake.callsTo('setNavigationBar').map((call) => call.title);
  expect(titles).toHaveLength(1);
  expect(titles[0]).toMatch(/^[\u4e00-\u9fff]+$/);
});
