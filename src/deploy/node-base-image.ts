import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeployError } from './deploy-error.js';
import { connectDocker, followProgress } from './docker-engine.js';

/** Shared libraries a binary loads, as `ldd` lists them (absolute paths only). */
function sharedLibraries(binary: string): string[] {
  let text: string;
  try {
    text = execFileSync('ldd', [binary], { encoding: 'utf8' });
  } catch (error) {
    throw new DeployError(`ldd ${binary} failed: ${(error as Error).message} (Linux with glibc is required)`);
  }
  return [...text.matchAll(/(\/[^\s)]+)/g)].map((m) => m[1]!).filter((file) => !file.includes('vdso'));
}

/**
 * Imports a minimal Node.js base image made of this machine's `node` binary, `/bin/sh` and the libraries they
 * load: for hosts that cannot pull `node:<version>-slim` (no registry). Use it with
 * `dwh docker build <project> --base-image <tag>`.
 */
export async function importHostNodeImage(
  tag: string,
  print: (text: string) => void = () => {},
): Promise<string> {
  if (process.platform !== 'linux') throw new DeployError('docker base-image: only on Linux hosts');
  const docker = await connectDocker();
  const root = mkdtempSync(path.join(os.tmpdir(), 'dwh-node-rootfs-'));
  try {
    const put = (source: string, target: string) => {
      const at = path.join(root, target);
      mkdirSync(path.dirname(at), { recursive: true });
      copyFileSync(realpathSync(source), at);
      chmodSync(at, 0o755);
    };
    const node = process.execPath;
    const shell = realpathSync('/bin/sh');
    put(node, '/usr/local/bin/node');
    put(shell, '/bin/sh');
    for (const library of new Set([...sharedLibraries(node), ...sharedLibraries(shell)]))
      put(library, library);
    mkdirSync(path.join(root, 'tmp'));
    chmodSync(path.join(root, 'tmp'), 0o1777);
    mkdirSync(path.join(root, 'etc'), { recursive: true });
    writeFileSync(
      path.join(root, 'etc', 'passwd'),
      'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n',
    );
    writeFileSync(path.join(root, 'etc', 'group'), 'root:x:0:\nnode:x:1000:\n');
    mkdirSync(path.join(root, 'root'));
    const { default: tar } = await import('tar-fs');
    const [repo, version] = splitTag(tag);
    print(`importing ${tag}: node ${process.version} from this machine, /bin/sh and their libraries\n`);
    const stream = await docker.importImage(tar.pack(root) as unknown as NodeJS.ReadableStream, {
      repo,
      tag: version,
      changes: ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["node"]'],
    });
    await followProgress(docker, stream, `import of ${tag}`, print);
    return tag;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function splitTag(tag: string): [string, string] {
  const colon = tag.lastIndexOf(':');
  return colon > tag.lastIndexOf('/') ? [tag.slice(0, colon), tag.slice(colon + 1)] : [tag, 'latest'];
}
