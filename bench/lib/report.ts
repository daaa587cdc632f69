import { mkdirSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { round, spread, type Spread } from './stats.ts';

/** A measured figure: our value and each peer's, every one a spread over repeated runs. */
export interface Figure {
  name: string;
  unit: string;
  better: 'higher' | 'lower';
  ours: Spread;
  peers: Record<string, Spread>;
}

export function figure(name: string, unit: string, better: 'higher' | 'lower', ours: number[], peers: Record<string, number[]> = {}): Figure {
  const p: Record<string, Spread> = {};
  for (const [k, v] of Object.entries(peers)) if (v.length > 0) p[k] = spread(v);
  return { name, unit, better, ours: spread(ours), peers: p };
}

const show = (s: Spread) => `${round(s.median, 2)} [${round(s.min, 2)}..${round(s.max, 2)}]`;

/** "x times better" for us: above 1 means ours wins. */
export function advantage(f: Figure, peer: Spread): number {
  return f.better === 'higher' ? f.ours.median / peer.median : peer.median / f.ours.median;
}

export function line(f: Figure): string {
  const peers = Object.entries(f.peers).map(([k, v]) => `${k} ${show(v)} (ours ${round(advantage(f, v), 2)}x)`);
  return `${f.name}: ours ${show(f.ours)} ${f.unit}${peers.length ? ' | ' + peers.join(' | ') : ''}`;
}

export function machine(): string {
  let free = '';
  try {
    free = execSync('free -h', { encoding: 'utf8' }).split('\n')[1]?.replace(/\s+/g, ' ').trim() ?? '';
  } catch {
    free = `${Math.round(totalmem() / 2 ** 30)} GiB`;
  }
  return `nproc ${cpus().length}, ${cpus()[0]?.model ?? 'cpu'}, ${free}, node ${process.version}, ${process.platform}`;
}

/** Writes `{figures: [{name, unit, ours, peers, better}], machine, date}` and a details file with min/max/runs. */
export function writeResults(file: string, figures: Figure[], notes: string[]): void {
  mkdirSync(new URL('.', `file://${file}`).pathname, { recursive: true });
  const date = new Date().toISOString();
  const plain = {
    figures: figures.map((f) => ({
      name: f.name,
      unit: f.unit,
      ours: round(f.ours.median, 3),
      peers: Object.fromEntries(Object.entries(f.peers).map(([k, v]) => [k, round(v.median, 3)])),
      better: f.better,
    })),
    machine: machine(),
    date,
  };
  writeFileSync(file, JSON.stringify(plain, null, 2) + '\n');
  writeFileSync(file.replace(/\.json$/, '.details.json'), JSON.stringify({ date, machine: plain.machine, notes, figures }, null, 2) + '\n');
}
