/**
 * Finding each version's kernel files in the directories the user points at: kernel git directories
 * (bare or a work tree's .git; each version's refs are tried and the files' blob ids checked) or
 * plain source trees (files hashed as git would). A file whose blob differs from the recorded one is
 * refused, never compiled.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { OracleVersion } from './versions.js';

/** A directory the user named: a git directory or a plain kernel source tree. */
export interface KernelDir {
  kind: 'git' | 'tree';
  /** As given on the command line. */
  given: string;
  /** The git directory (kind git) or the tree's top (kind tree). */
  path: string;
}

/** Where one version's files were found. */
export interface ResolvedSource {
  version: OracleVersion;
  dir: KernelDir;
  /** The ref that held the recorded blobs (kind git) and the commit it names. */
  ref?: string;
  commit?: string;
  /** File contents by path. */
  contents: Map<string, Buffer>;
}

export class SourceError extends Error {}

function git(gitDir: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', ['--git-dir=' + gitDir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }).trim();
  } catch {
    return undefined;
  }
}

/** `git hash-object` of a buffer. */
export function blobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** Classify a directory given with --kernel-git / --kernel-src. */
export function openKernelDir(given: string, want: 'git' | 'tree'): KernelDir {
  const abs = resolve(given);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new SourceError(`${given}: not a directory`);
  if (want === 'git') {
    for (const cand of [abs, join(abs, '.git')]) {
      if (existsSync(cand) && git(cand, ['rev-parse', '--git-dir']) !== undefined) return { kind: 'git', given, path: cand };
    }
    // A plain source tree given as --kernel-git still serves (the brief allows either).
    if (existsSync(join(abs, 'mm', 'vmalloc.c'))) return { kind: 'tree', given, path: abs };
    throw new SourceError(`--kernel-git ${given}: neither a git directory nor a kernel source tree (no mm/vmalloc.c)`);
  }
  if (!existsSync(join(abs, 'mm', 'vmalloc.c'))) throw new SourceError(`--kernel-src ${given}: no mm/vmalloc.c in it`);
  return { kind: 'tree', given, path: abs };
}

/**
 * Find a version's files in the directories, in the order given. A directory where a ref (or the
 * tree) has the version's mm/vmalloc.c path but another blob is reported in `refused`.
 */
export function resolveVersion(v: OracleVersion, dirs: readonly KernelDir[], refused: string[]): ResolvedSource | undefined {
  for (const dir of dirs) {
    if (dir.kind === 'git') {
      for (const ref of v.refs) {
        const commit = git(dir.path, ['rev-parse', '--verify', '-q', ref + '^{commit}']);
        if (!commit) continue;
        const bad: string[] = [];
        for (const file of v.files) {
          const got = git(dir.path, ['rev-parse', '--verify', '-q', `${commit}:${file.path}`]);
          if (got !== file.blob) bad.push(`${file.path} is ${got ? 'blob ' + got.slice(0, 12) : 'missing'}, VERSIONS.md records ${file.blob.slice(0, 12)}`);
        }
        if (bad.length) {
          // A ref that is merely absent is no news; one that exists with other content is refused aloud
          // (HEAD of an unrelated tree says nothing worth printing unless its vmalloc.c is close).
          if (ref !== 'HEAD') refused.push(`${v.id}: ${dir.given} @ ${ref}: ${bad.join('; ')}: refused`);
          continue;
        }
        const contents = new Map<string, Buffer>();
        for (const file of v.files) {
          const buf = execFileSync('git', ['--git-dir=' + dir.path, 'cat-file', 'blob', file.blob], { maxBuffer: 64 << 20 });
          if (blobId(buf) !== file.blob) throw new SourceError(`${v.id}: ${dir.given}: blob ${file.blob} reads back as ${blobId(buf)}`);
          contents.set(file.path, buf);
        }
        return { version: v, dir, ref, commit, contents };
      }
    } else {
      const main = join(dir.path, v.files[0].path);
      if (!existsSync(main)) continue;
      const buf = readFileSync(main);
      if (blobId(buf) !== v.files[0].blob) {
        refused.push(`${v.id}: ${dir.given}: ${v.files[0].path} is blob ${blobId(buf).slice(0, 12)}, VERSIONS.md records ${v.files[0].blob.slice(0, 12)}`);
        continue;
      }
      const contents = new Map<string, Buffer>();
      const bad: string[] = [];
      for (const file of v.files) {
        const p = join(dir.path, file.path);
        const b = existsSync(p) ? readFileSync(p) : undefined;
        if (!b || blobId(b) !== file.blob) bad.push(`${file.path} is ${b ? 'blob ' + blobId(b).slice(0, 12) : 'missing'}, VERSIONS.md records ${file.blob.slice(0, 12)}`);
        else contents.set(file.path, b);
      }
      if (bad.length) {
        refused.push(`${v.id}: ${dir.given}: ${bad.join('; ')}: refused`);
        continue;
      }
      return { version: v, dir, contents };
    }
  }
  return undefined;
}
