import { readFileSync } from 'node:fs';

/** Linux clock ticks a second (USER_HZ, `getconf CLK_TCK`): 100 on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

/**
 * CPU milliseconds the process's main thread has used (user + system), from
 * /proc/self/task/<pid>/stat; NaN where there is no /proc. The benchmark's servers run on the main
 * thread and its load generators on worker threads, so this is the servers' own CPU time, which a
 * loaded machine (waiting for a core) does not inflate the way it inflates wall-clock busy time.
 * Resolution 10 ms: fine over a case of seconds.
 */
export function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name (which is in parentheses and may hold spaces): utime is the 14th field, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
