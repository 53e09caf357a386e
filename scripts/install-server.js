/**
 * The root package's `postinstall`: installs the backend package in server/ (its own
 * package.json and package-lock.json, its own server/node_modules) with the same command the
 * root was installed with. `npm ci` at the root runs `npm ci` in server/ (exactly what
 * server/package-lock.json says, from a clean server/node_modules); `npm install` runs
 * `npm install` there (a no-op when nothing changed). Options given to the root command
 * (--omit, --registry, …) reach the inner npm through the npm_config_* environment.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

// npm_command is the command's canonical name (`npm clean-install` and `npm cit` give these too).
const command = ['ci', 'install-ci-test'].includes(process.env.npm_command) ? 'ci' : 'install';
const server = path.join(__dirname, '..', 'server');
// npm_execpath is the npm that runs this script: the inner install uses the same one.
const npm = process.env.npm_execpath;
const args = ['--prefix', server, command, '--no-audit', '--no-fund'];
console.log(`server/: npm ${command}`);
const result = npm
  ? spawnSync(process.execPath, [npm, ...args], { stdio: 'inherit' })
  : spawnSync('npm', args, { stdio: 'inherit', shell: process.platform === 'win32' });
if (result.error) throw result.error;
process.exit(result.status ?? 1);
