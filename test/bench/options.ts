// The pipeline benchmark's command line.
import type { Format } from '../../dev/debezium';

export interface Options {
  doctors: number;
  format: Format;
  eventsPerSecond: number;
  freshnessSeconds: number;
  /** One freshness pass per refresh interval of the live index; the first is the default's. */
  refreshIntervals: string[];
  /** Partitions of reval.connections, hence of every repartition topic and changelog. */
  partitions: number;
  /** Instances of the scaled run (goal 7); 1 skips it. */
  instances: number;
  /** Sizes for the scale mode; when set, only the scale line is measured. */
  scale?: number[];
  cpuProfDir?: string;
  /** V8's old-space limit for every child process, in MB (--max-old-space-size). */
  childHeapMb?: number;
}

export const USAGE = `usage: node dist/test/bench/pipeline.js [--doctors N] [--format json|json-schemaless|avro]
       [--rate EVENTS_PER_S] [--seconds FRESHNESS_S] [--refresh-intervals 1s,250ms]
       [--partitions N] [--instances N] [--cpu-prof DIR] [--child-heap-mb N]
   or: node dist/test/bench/pipeline.js --scale 25000,50000,100000,200000 [--format F] [--partitions N]

  --doctors N            population size (default 100000)
  --format F             Debezium encoding of the CDC topics (default json: JsonConverter with schema)
  --rate R               CDC edits per second in the freshness passes (default 200)
  --seconds S            length of each freshness pass (default 30)
  --refresh-intervals L  the live index's refresh_interval for each freshness pass (default 1s,250ms;
                         1s is what the es-sink creates, the others are set by the benchmark)
  --partitions N         partitions of reval.connections and of the repartition topics (default 6,
                         so that 2 instances can split every stage evenly)
  --instances N          connections instances of the scaled run (default 2; 1 skips it)
  --scale LIST           only the scale line: per population size, the live replay, then the cold
                         start of connections from an empty local store and its peak RSS
  --cpu-prof DIR         CPU profiles of every child process
  --child-heap-mb N      V8 old-space limit of every child process (--max-old-space-size), to see
                         how much of a peak is garbage not yet collected`;

export class UsageError extends Error {}

export function parseOptions(argv: string[]): Options {
  const options: Options = {
    doctors: 100_000,
    format: 'json',
    eventsPerSecond: 200,
    freshnessSeconds: 30,
    refreshIntervals: ['1s', '250ms'],
    partitions: 6,
    instances: 2,
  };
  const positive = (name: string, value: string | undefined) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} needs a positive number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--doctors':
        options.doctors = Math.round(positive(flag, value()));
        break;
      case '--format': {
        const format = value();
        if (format !== 'json' && format !== 'json-schemaless' && format !== 'avro') {
          throw new UsageError('--format is json, json-schemaless or avro');
        }
        options.format = format;
        break;
      }
      case '--rate':
        options.eventsPerSecond = positive(flag, value());
        break;
      case '--seconds':
        options.freshnessSeconds = positive(flag, value());
        break;
      case '--refresh-intervals': {
        const list = (value() ?? '').split(',').filter(Boolean);
        if (list.length === 0 || !list.every((v) => /^\d+(ms|s)$/.test(v))) {
          throw new UsageError('--refresh-intervals is a list such as 1s,250ms');
        }
        options.refreshIntervals = list;
        break;
      }
      case '--partitions':
        options.partitions = Math.round(positive(flag, value()));
        break;
      case '--instances':
        options.instances = Math.round(positive(flag, value()));
        break;
      case '--scale':
        options.scale = (value() ?? '').split(',').map((n) => Math.round(positive(flag, n)));
        break;
      case '--cpu-prof':
        options.cpuProfDir = value();
        if (!options.cpuProfDir) throw new UsageError('--cpu-prof needs a directory');
        break;
      case '--child-heap-mb':
        options.childHeapMb = Math.round(positive(flag, value()));
        break;
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        throw new UsageError(`unknown option ${argv[i]}`);
    }
  }
  return options;
}
