/**
 * Run by `npm run preview` and `npm run upload` before minidev: refuses (exit 1, saying what
 * to change) while the trial or release backend URL in config/env.ts is still a placeholder
 * such as https://merchant.example.com, or is not HTTPS. The develop URL is not checked: the
 * IDE and a local backend use it as it is.
 *
 *   tsx scripts/check-upload-urls.ts [env file]   (default: config/env.ts)
 *
 * config/env.ts is plain TypeScript without mini app APIs, so it is simply loaded here.
 */
import * as path from 'path';

const CHECKED_VERSIONS = ['trial', 'release'] as const;

/** Domains reserved for examples (RFC 2606): never a real backend. */
const PLACEHOLDER_DOMAINS = ['example.com', 'example.net', 'example.org'];

function isPlaceholder(hostname: string): boolean {
  return PLACEHOLDER_DOMAINS.some((domain) => hostname === domain || hostname.endsWith(`.${domain}`));
}

/** What is wrong with one URL, or null. */
function problemWith(url: unknown): string | null {
  if (typeof url !== 'string' || url.trim() === '') return 'is not set';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `is not a URL: ${url}`;
  }
  if (isPlaceholder(parsed.hostname)) return `still points at the placeholder ${url}`;
  if (parsed.protocol !== 'https:') return `is not HTTPS (Alipay allows only HTTPS outside the IDE): ${url}`;
  return null;
}

/** One line per trial/release URL that must change before an upload; empty when both are fine. */
export function uploadUrlProblems(urls: Record<string, unknown>): string[] {
  return CHECKED_VERSIONS.flatMap((version) => {
    const problem = problemWith(urls[version]);
    return problem ? [`API_BASE_URLS.${version} ${problem}`] : [];
  });
}

export function refusal(envFile: string, problems: string[]): string {
  return [
    `Not uploading: ${envFile} is not ready for a trial or release version.`,
    ...problems.map((problem) => `  - ${problem}`),
    `Set API_BASE_URLS.trial and API_BASE_URLS.release in ${envFile} to your backend's HTTPS URL`,
    "(its domain on the mini program's server domain whitelist, 服务器域名白名单), then run this again.",
    'API_BASE_URLS.develop may stay as it is.',
  ].join('\n');
}

function main(): void {
  const envFile = process.argv[2] ?? 'config/env.ts';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const env = require(path.resolve(envFile)) as { API_BASE_URLS?: Record<string, unknown> };
  const problems = uploadUrlProblems(env.API_BASE_URLS ?? {});
  if (problems.length > 0) {
    console.error(refusal(envFile, problems));
    process.exitCode = 1;
  }
}

if (require.main === module) main();
