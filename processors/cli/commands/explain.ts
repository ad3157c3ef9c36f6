// `reval explain <gmc-number>`: why a doctor has the status they have, from the live state of
// the connections processor — an interactive query to the instance that owns the doctor, or,
// when none answers, the doctor's state read straight from the doctors store's changelog. It
// prints the derived record, the rules' explanation and the input rows that decided it, the
// dead letters that name the doctor and, with --history, every change of their status.
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { ConfigError, connectionsUrl, timeZone, type Env } from '../../platform/config';
import { todayIn } from '../../rules/dates';
import {
  deadLettersOf,
  explainFromChangelogs,
  openExplainClients,
  parseGmcNumber,
  parseInstant,
  readDoctorHistory,
  type DoctorDeadLetter,
  type DoctorExplanation,
  type ExplainClients,
} from '../../connections/explain';
import { historyOfEnv } from '../../es-sink/view-sets';
import { topicsOf } from '../../platform/topics';
import { queryDoctor } from '../connections-client';
import { UserError } from '../errors';
import { formatExplainReport, type ExplainReport, type ExplainSource } from '../explain-output';
import { EX_DATAERR, EX_USAGE } from './evaluate';

export interface ExplainOptions {
  at?: string;
  json?: boolean;
  history?: boolean;
}

export interface ExplainIO {
  stdout: Writable;
  env: Env;
  clock: () => Date;
}

/** Runs the command; returns the report it printed (tests read it). */
export async function runExplain(
  gmcArgument: string,
  options: ExplainOptions,
  io: ExplainIO,
): Promise<ExplainReport> {
  const gmcNumber = parseGmcNumber(gmcArgument);
  if (gmcNumber === null) {
    throw new UserError(
      `explain: ${JSON.stringify(gmcArgument)} is not a GMC reference number`,
      EX_USAGE,
    );
  }
  const at = options.at === undefined ? io.clock() : parseInstant(options.at);
  if (at === null) {
    throw new UserError(
      `explain: --at ${JSON.stringify(options.at)} is not an ISO-8601 instant with an offset, e.g. 2026-11-26T00:00:05Z`,
      EX_USAGE,
    );
  }
  const token = io.env.CONNECTIONS_QUERY_TOKEN?.trim() || undefined;
  const baseUrl = connectionsUrl(io.env);
  const asked = await queryDoctor({ baseUrl, gmcNumber, at: at.toISOString(), token });
  if (asked.kind === 'refused') {
    const hint = asked.status === 401 ? ' (set CONNECTIONS_QUERY_TOKEN to the instance token)' : '';
    throw new UserError(
      `explain: ${asked.url} refused the query: ${asked.message}${hint}`,
      EX_USAGE,
    );
  }
  if (asked.kind === 'unknown') throw unknownDoctor(gmcNumber, `${asked.url}: ${asked.message}`);

  let clients: ExplainClients | undefined;
  const kafkaClients = (why: string): ExplainClients => {
    try {
      clients ??= openExplainClients(io.env);
      return clients;
    } catch (error) {
      if (error instanceof ConfigError) {
        throw new UserError(`explain: ${why}, and Kafka is not configured: ${error.message}`, 78);
      }
      throw error;
    }
  };
  try {
    let explanation: DoctorExplanation;
    let source: ExplainSource;
    if (asked.kind === 'answered') {
      explanation = asked.explanation;
      source = { path: 'interactive query', url: asked.url };
    } else {
      const answer = await explainFromChangelogs(kafkaClients(asked.why), gmcNumber, at);
      if (answer.kind === 'no-changelog') {
        throw new UserError(
          `explain: ${asked.why}, and there is no changelog ${answer.topic} to read (has connections run with this CONNECTIONS_GROUP_ID?)`,
          1,
        );
      }
      if (answer.kind === 'unknown') {
        throw unknownDoctor(gmcNumber, `${answer.read.topic} partition ${answer.read.partition}`);
      }
      explanation = answer.explanation;
      source = { path: 'changelog', why: asked.why, ...answer.read };
    }
    const deadLetters = await optional(() =>
      deadLettersOf(kafkaClients('the dead letters need Kafka'), explanation),
    );
    const history = options.history
      ? await readDoctorHistory(kafkaClients('--history needs Kafka'), gmcNumber, {
          alias: io.env.ELASTICSEARCH_URL?.trim()
            ? historyOfEnv(io.env, topicsOf(io.env).connectionChanges).names.master
            : undefined,
        })
      : undefined;
    const today = todayIn(new Date(explanation.at), timeZone(io.env));
    const report: ExplainReport = { today, source, explanation, deadLetters, history };
    io.stdout.write(
      options.json ? `${JSON.stringify(report, null, 2)}\n` : formatExplainReport(report),
    );
    return report;
  } finally {
    await clients?.close();
  }
}

/** A part of the report that may be missing (no Kafka configured): why it is. */
async function optional(
  read: () => Promise<DoctorDeadLetter[]>,
): Promise<DoctorDeadLetter[] | { notChecked: string }> {
  try {
    return await read();
  } catch (error) {
    return { notChecked: error instanceof Error ? error.message : String(error) };
  }
}

function unknownDoctor(gmcNumber: string, where: string): UserError {
  return new UserError(`explain: no doctor ${gmcNumber} (${where})`, EX_DATAERR);
}

const HELP = `
Where the answer comes from:
  1. An interactive query: GET <CONNECTIONS_URL>/doctors/<gmc-number> (default
     http://127.0.0.1:9464, a connections instance's metrics port), following its redirect to
     the instance that owns the doctor's partition, with "Authorization: Bearer
     <CONNECTIONS_QUERY_TOKEN>" when that is set.
  2. When no instance answers (none running, restoring, or the owner advertises no URL): the
     doctor's last state on the doctors store's changelog topic
     (<CONNECTIONS_GROUP_ID>-doctors-changelog), plus the Programme topic for programme names.
  The report says which path it took. Both read committed state and derive it with the same
  code, so they agree.

--at <instant> applies the rules as of that instant's date in REVAL_TIMEZONE to the inputs as
they are NOW: it does not rewind the inputs (use --history for the past).

The report: the derived record; the rules' explanation, a sentence per decision; every input
row the rules used, with its Kafka topic, partition and offset and its source's own position
and time; the dead letters (reval.dlq) whose record names the doctor — the state shown is the
last good one, and a refused row is kept there whole until \`reval dlq replay\` sends it back.
--history adds the doctor's changes of status, reasons, discrepancy or designated bodies from
reval.connection-changes: from the Elasticsearch alias connectionhistory when
ELASTICSEARCH_URL is set, else from the topic. Oldest first, each with before -> after and
its cause.

Exit codes: 0 answered; ${EX_USAGE} bad arguments or a refused token; ${EX_DATAERR} no such doctor;
78 configuration error; 1 anything else.
Environment: CONNECTIONS_URL, CONNECTIONS_QUERY_TOKEN, KAFKA_BROKERS and SCHEMA_REGISTRY_URL
(the changelog path, dead letters and --history), CONNECTIONS_GROUP_ID, ELASTICSEARCH_URL,
REVAL_TIMEZONE, REVAL_DESIGNATED_BODIES_FILE, TOPIC_*.
`;

export function register(program: Command): void {
  program
    .command('explain')
    .argument('<gmc-number>', "the doctor's GMC reference number, e.g. 7000001")
    .description(
      "Explain a doctor's connection status from the live connections state: the record, the rule " +
        'that decided each field, and the input rows with their Kafka and source positions',
    )
    .option(
      '--at <instant>',
      "derive as of this ISO-8601 instant's date in REVAL_TIMEZONE (the inputs stay as they are now)",
    )
    .option('--json', 'print the report as JSON')
    .option(
      '--history',
      "also list the doctor's changes of status, oldest first, with their causes",
    )
    .addHelpText('after', HELP)
    .action(async (gmc: string, options: ExplainOptions) => {
      await runExplain(gmc, options, {
        stdout: process.stdout,
        env: process.env,
        clock: () => new Date(),
      });
    });
}
