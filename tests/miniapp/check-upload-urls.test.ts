// scripts/check-upload-urls.ts: `npm run preview` / `npm run upload` refuse placeholder backend URLs.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { refusal, uploadUrlProblems } from '../../scripts/check-upload-urls';
import { PROJECT_ROOT } from './harness';

const SCRIPT = path.join(PROJECT_ROOT, 'scripts/check-upload-urls.ts');
const TSX_CLI = path.join(PROJECT_ROOT, 'server/node_modules/tsx/dist/cli.mjs');
const REAL = { develop: 'http://127.0.0.1:3000', trial: 'https://staging.shop.co.nz', release: 'https://shop.co.nz' };

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upload-urls-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** An env file like config/env.ts with these URLs. */
function envFile(urls: Record<string, string>): string {
  const file = path.join(dir, `env-${Object.values(urls).join('').replace(/\W/g, '')}.ts`);
  fs.writeFileSync(file, `export const API_BASE_URLS = ${JSON.stringify(urls)} as const;\nexport const REQUEST_TIMEOUT_MS = 15000;\n`);
  return file;
}

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [TSX_CLI, SCRIPT, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the check', () => {
  it('passes real HTTPS URLs, whatever develop is', () => {
    expect(uploadUrlProblems(REAL)).toEqual([]);
  });

  it.each([
    ['https://merchant.example.com', 'still points at the placeholder https://merchant.example.com'],
    ['https://example.com/', 'still points at the placeholder https://example.com/'],
    ['https://api.example.org', 'still points at the placeholder https://api.example.org'],
    ['http://shop.co.nz', 'is not HTTPS (Alipay allows only HTTPS outside the IDE): http://shop.co.nz'],
    ['shop.co.nz', 'is not a URL: shop.co.nz'],
    ['', 'is not set'],
  ])('refuses a release URL %p', (url, problem) => {
    expect(uploadUrlProblems({ ...REAL, release: url })).toEqual([`API_BASE_URLS.release ${problem}`]);
  });

  it('does not mistake a real domain that merely contains "example.com"', () => {
    expect(uploadUrlProblems({ ...REAL, release: 'https://myexample.com' })).toEqual([]);
  });
});

describe('scripts/check-upload-urls.ts, as npm run preview/upload runs it', () => {
  it('refuses the placeholders of config/env.ts: exit 1, saying what to change', () => {
    const { status, stderr } = run();
    expect(status).toBe(1);
    expect(stderr).toContain('Not uploading: config/env.ts');
    expect(stderr).toContain('API_BASE_URLS.trial still points at the placeholder');
    expect(stderr).toContain('API_BASE_URLS.release still points at the placeholder');
    expect(stderr).toContain("Set API_BASE_URLS.trial and API_BASE_URLS.release in config/env.ts to your backend's HTTPS URL");
  });

  it('refuses a placeholder left in one of them only', () => {
    const file = envFile({ ...REAL, trial: 'https://merchant-staging.example.com' });
    const { status, stderr } = run(file);
    expect(status).toBe(1);
    expect(stderr).toBe(`${refusal(file, ['API_BASE_URLS.trial still points at the placeholder https://merchant-staging.example.com'])}\n`);
  });

  it('lets real HTTPS URLs through (exit 0), with develop as it is', () => {
    const { status, stdout, stderr } = run(envFile(REAL));
    expect({ status, stdout, stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
  });
});

describe('package.json', () => {
  const scripts = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts;

  it.each(['preview', 'upload'])('%s runs the check before minidev, and minidev only if it passes', (name) => {
    expect(scripts[name]).toBe(`npm --prefix server exec --no -- tsx scripts/check-upload-urls.ts && npx --yes minidev@2 ${name} -p .`);
  });
});
