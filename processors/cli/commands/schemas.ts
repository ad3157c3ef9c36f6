import type { Command } from 'commander';
import { registryConfig } from '../../platform/config';
import { topicsOf as topics } from '../../platform/topics';
import { SchemaRegistryCodecs } from '../../platform/registry';
import { SCHEMA_FILES, type SchemaName } from '../../../schemas/catalog';

export function register(program: Command): void {
  const schemas = program
    .command('schemas')
    .description('Avro schemas of the topics this project writes (schemas/*.avsc)');
  schemas
    .command('register')
    .description(
      'Register every schema under its topic subject (<topic>-value) with BACKWARD compatibility,\n' +
        'so the registry itself refuses an incompatible change. Idempotent.\n' +
        'Needs SCHEMA_REGISTRY_URL (and SCHEMA_REGISTRY_USERNAME/PASSWORD when the registry asks).',
    )
    .action(async () => {
      const codecs = new SchemaRegistryCodecs(registryConfig(), topics());
      for (const name of Object.keys(SCHEMA_FILES) as SchemaName[]) {
        const subject = codecs.subjectOf(name);
        await codecs.setCompatibility(subject, 'BACKWARD');
        const id = await codecs.register(name);
        process.stdout.write(`${subject.padEnd(32)} id ${id}  (${SCHEMA_FILES[name]})\n`);
      }
    });
}
