/**
 * Watches a child process through /proc while it runs (Linux): its peak resident set (VmHWM, which
 * the kernel keeps as a high-water mark, so polling cannot miss a short peak that happened before
 * the last successful read) and its CPU time. Used because the driver's child exits right after the
 * handler returns and reports neither.
 */
import { readFileSync } from 'node:fs';

export interface ProcessFigures {
  /** Peak resident set size, MiB (from the last read before the process exited). */
  peakRssMb: number;
  /** User + system CPU time, seconds (same caveat). */
  cpuS: number;
  samples: number;
}

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

function read(pid: number): { hwmKb: number; cpuTicks: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwmKb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
    // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuTicks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return Number.isFinite(hwmKb) ? { hwmKb, cpuTicks } : null;
  } catch {
    return null; // gone (or a zombie without a memory map)
  }
}

/** Starts polling `pid` every `intervalMs`; `stop()` returns the last figures read. */
export function watchProcess(pid: number, intervalMs = 20): { stop(): ProcessFigures } {
  let last: { hwmKb: number; cpuTicks: number } | null = null;
  let samples = 0;
  const poll = (): void => {
    const current = read(pid);
    if (current === null) return;
    last = { hwmKb: Math.max(current.hwmKb, last?.hwmKb ?? 0), cpuTicks: current.cpuTicks };
    samples += 1;
  };
  poll();
  const timer = setInterval(poll, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const final: { hwmKb: number; cpuTicks: number } | null = last;
      return {
        peakRssMb: final === null ? Number.NaN : Number((final.hwmKb / 1024).toFixed(1)),
        cpuS: final === null ? Number.NaN : final.cpuTicks / CLOCK_TICKS,
        samples,
      };
    },
  };
}
