import type Docker from 'dockerode';
import { DeployError } from './deploy-error.js';

/** A message from the engine's JSON progress stream (build, import). */
interface ProgressEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/** The Docker engine of DOCKER_HOST (or the local socket), checked to answer before anything is sent. */
export async function connectDocker(): Promise<Docker> {
  const { default: DockerClient } = await import('dockerode');
  const docker = new DockerClient();
  try {
    await docker.ping();
  } catch (error) {
    throw new DeployError(
      `cannot reach the Docker engine at ${process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'}: ` +
        `${(error as Error).message}. Start dockerd (or Docker Desktop) or set DOCKER_HOST.`,
    );
  }
  return docker;
}

/** Waits for a progress stream to end, printing its lines; an error event fails with the engine's message. */
export function followProgress(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  what: string,
  print: (text: string) => void,
): Promise<ProgressEvent[]> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: ProgressEvent[]) => {
        if (error) return reject(new DeployError(`${what} failed: ${error.message}`));
        const failed = events.find((event) => event.error ?? event.errorDetail);
        if (failed) {
          return reject(
            new DeployError(
              `${what} failed: ${failed.errorDetail?.message ?? failed.error ?? 'unknown error'}`,
            ),
          );
        }
        resolve(events);
      },
      (event: ProgressEvent) => {
        if (event.stream) print(event.stream);
        else if (event.status) print(`${event.status}\n`);
      },
    );
  });
}
