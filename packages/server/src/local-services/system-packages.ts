import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { StartupError } from '../config';

/** What a system package is needed for: running the studio, or running its tests as well. */
export type SystemPackageUse = 'start' | 'test';

export interface SystemPackage {
  /** Debian/Ubuntu package name. */
  name: string;
  /** How to tell it is present: an executable on PATH, or a file or folder it installs. */
  check: { kind: 'cmd' | 'file' | 'dir'; target: string };
  uses: SystemPackageUse[];
  why: string;
}

/** Finds an executable on PATH (plus the sbin folders Debian uses). */
export function which(name: string, path: string): string | undefined {
  const dirs = [...path.split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin'];
  return dirs.map((d) => join(d, name)).find((p) => existsSync(p));
}

/**
 * Parses `infra/system-packages.txt` (one package a line: name, `cmd:|file:|dir:` check, uses
 * `start,test`, why; `#` comments). Throws on a malformed line so the list cannot rot silently.
 */
export function parseSystemPackages(text: string): SystemPackage[] {
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line && !line.startsWith('#'))
    .map(({ line, n }) => {
      const [name, check, uses, ...why] = line.split(/\s+/);
      const m = check?.match(/^(cmd|file|dir):(.+)$/);
      const useList = (uses ?? '').split(',') as SystemPackageUse[];
      if (!name || !m || !useList.every((u) => u === 'start' || u === 'test'))
        throw new Error(
          `system-packages.txt line ${n} is not "name cmd:|file:|dir:… start,test why": ${line}`,
        );
      return {
        name,
        check: { kind: m[1] as 'cmd' | 'file' | 'dir', target: m[2]! },
        uses: useList,
        why: why.join(' '),
      };
    });
}

/** Whether a package's check passes on this machine. */
export function isPresent(pkg: SystemPackage, path: string): boolean {
  return pkg.check.kind === 'cmd'
    ? which(pkg.check.target, path) !== undefined
    : existsSync(pkg.check.target);
}

/** The one command that installs these packages on Debian/Ubuntu. */
export function installCommand(packages: readonly SystemPackage[]): string {
  return `sudo apt-get install -y ${packages.map((p) => p.name).join(' ')}`;
}

/** True when we may install with apt ourselves: root on Debian/Ubuntu with apt-get. */
export function canAptInstall(path: string): boolean {
  return existsSync('/etc/debian_version') && userInfo().uid === 0 && which('apt-get', path) !== undefined;
}

/** Installs packages with apt-get (root on Debian/Ubuntu only); throws a StartupError naming the fix. */
export function aptInstall(names: readonly string[], log: (m: string) => void = () => {}): void {
  log(`installing ${names.join(' ')} with apt-get (running as root on Debian/Ubuntu)`);
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    // `env` adds DEBIAN_FRONTEND to the inherited environment, so apt never stops to ask.
    execFileSync(
      'env',
      [
        'DEBIAN_FRONTEND=noninteractive',
        'apt-get',
        'install',
        '-y',
        '-qq',
        '--no-install-recommends',
        ...names,
      ],
      { stdio: 'ignore' },
    );
  } catch (err) {
    throw new StartupError(
      `apt-get could not install ${names.join(' ')} (${err instanceof Error ? err.message.split('\n')[0] : String(err)}). Run: sudo apt-get update && sudo apt-get install -y ${names.join(' ')}`,
    );
  }
}

export interface EnsureSystemPackagesOptions {
  /** The list file; default `infra/system-packages.txt` under `root`. */
  file?: string;
  /** Repository root. */
  root: string;
  /** PATH to look for programs on (the caller's parsed environment). */
  path: string;
  log?: (m: string) => void;
  /** Install missing packages when allowed (root on Debian/Ubuntu); default true. */
  install?: boolean;
}

/**
 * Makes sure what `use` needs is installed: missing packages are installed with apt when we are
 * root on Debian/Ubuntu; otherwise they are returned (the caller decides whether that is fatal)
 * together with the one command that installs them.
 */
export function ensureSystemPackages(
  use: SystemPackageUse,
  options: EnsureSystemPackagesOptions,
): { missing: SystemPackage[]; command: string | null } {
  const { path } = options;
  const list = parseSystemPackages(
    readFileSync(options.file ?? join(options.root, 'infra/system-packages.txt'), 'utf8'),
  );
  let missing = list.filter((p) => p.uses.includes(use) && !isPresent(p, path));
  if (missing.length && options.install !== false && canAptInstall(path)) {
    aptInstall(
      missing.map((p) => p.name),
      options.log,
    );
    missing = missing.filter((p) => !isPresent(p, path));
  }
  return { missing, command: missing.length ? installCommand(missing) : null };
}
