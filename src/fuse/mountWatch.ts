// Noticing that our mount went away without `pond umount` (a plain `umount DIR` or
// `fusermount -u DIR`): libfuse's loop ends quietly, and the server would otherwise live
// on holding the pond's writer lock with nothing to serve. The mount table is read once a
// second (a few KiB from /proc, never a call into the mount itself).
import { promises as fsp } from 'node:fs';

const POLL_MS = 1000;

/** True while /proc/self/mountinfo lists a mount whose device is `dev` ("major:minor"). */
async function isMountedDevice(dev: string): Promise<boolean> {
  const info = await fsp.readFile('/proc/self/mountinfo', 'utf8');
  // Fields: id, parent, major:minor, root, mount point, ...
  return info.split('\n').some((line) => line.split(' ', 3)[2] === dev);
}

/**
 * Calls `lost` once when the mount with device `dev` is no longer in the mount table;
 * returns a function that stops watching. An unreadable mount table stops the watch (the
 * server then ends only through pond umount or a signal, as before).
 */
export function watchMount(dev: string, lost: () => void): () => void {
  let stopped = false;
  const timer = setInterval(() => {
    isMountedDevice(dev).then((mounted) => {
      if (mounted || stopped) return;
      stop();
      lost();
    }, () => stop());
  }, POLL_MS);
  timer.unref();
  const stop = (): void => {
    stopped = true;
    clearInterval(timer);
  };
  return stop;
}
